"""A local MAX Bot API: GET /updates?marker=&timeout= (long polling), Authorization header,
errors as {"code", "message"} with HTTP 401/429/5xx.

Test endpoints: POST /_test/message {chat_id, chat_type, user_id, name, text, reply_to,
forward_chat_id, forward_mid} → {mid}; /_test/edit {mid, text}; /_test/remove {mid}; and
Control's (fail {method: updates, status}, hold, rate, status).

    python -m devstack.fakes.maxbot --port 8096 --token TOKEN
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from devstack.fakes.control import Control
from devstack.fakes.runner import serve_cli


@dataclass
class MaxState:
    token: str | None
    control: Control = field(default_factory=Control)
    updates: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: asyncio.Event | None = None

    def add(self, update: dict[str, Any]) -> None:
        self.updates.append(update)
        if self.changed is not None:
            self.changed.set()


def error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status)


def create_app(token: str | None = None) -> web.Application:
    state = MaxState(token)

    async def on_startup(_: web.Application) -> None:
        state.changed = asyncio.Event()

    async def updates(request: web.Request) -> web.Response:
        await state.control.hold("updates")
        if state.token is not None and request.headers.get("Authorization") != state.token:
            return error(401, "verify.token", "Invalid access_token")
        injected = state.control.failure("updates")
        if injected:
            return error(int(injected.get("status", 503)), "too.many.requests", "injected")
        if state.control.over_rate():
            return error(429, "too.many.requests", "Too many requests")
        q = request.query
        marker = q.get("marker")
        limit = int(q.get("limit", "100"))
        deadline = time.monotonic() + min(float(q.get("timeout", "30")), 90.0)
        start = int(marker) if marker not in (None, "", "null") else max(len(state.updates) - 1, 0)
        while len(state.updates) <= start and time.monotonic() < deadline and state.changed:
            state.changed.clear()
            try:
                await asyncio.wait_for(state.changed.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        page = state.updates[start : start + limit]
        return web.json_response({"updates": page, "marker": start + len(page)})

    async def message(request: web.Request) -> web.Response:
        d = await request.json()
        mid = f"mid.{uuid.uuid4().hex[:16]}"
        now = int(d.get("timestamp", time.time() * 1000))
        msg: dict[str, Any] = {
            "sender": {
                "user_id": int(d["user_id"]),
                "first_name": d.get("name", "Житель"),
                "name": d.get("name", "Житель"),
                "is_bot": False,
            },
            "recipient": {"chat_id": int(d["chat_id"]), "chat_type": d.get("chat_type", "chat")},
            "timestamp": now,
            "body": {"mid": mid, "seq": len(state.messages) + 1, "text": d["text"]},
        }
        if d.get("reply_to"):
            parent = state.messages[d["reply_to"]]
            msg["link"] = {
                "type": "reply",
                "sender": parent["sender"],
                "chat_id": parent["recipient"]["chat_id"],
                "message": parent["body"],
            }
        if d.get("forward_mid"):
            msg["link"] = {
                "type": "forward",
                "chat_id": int(d["forward_chat_id"]),
                "message": {"mid": d["forward_mid"], "seq": 1, "text": d["text"]},
            }
        state.messages[mid] = msg
        state.add({"update_type": "message_created", "timestamp": now, "message": msg})
        return web.json_response({"mid": mid})

    async def edit(request: web.Request) -> web.Response:
        d = await request.json()
        msg = state.messages[d["mid"]]
        msg["body"] = {**msg["body"], "text": d["text"]}
        now = int(time.time() * 1000)
        state.add({"update_type": "message_edited", "timestamp": now, "message": dict(msg)})
        return web.json_response({"ok": True})

    async def remove(request: web.Request) -> web.Response:
        d = await request.json()
        msg = state.messages.pop(d["mid"])
        state.add(
            {
                "update_type": "message_removed",
                "timestamp": int(time.time() * 1000),
                "message_id": d["mid"],
                "chat_id": msg["recipient"]["chat_id"],
                "user_id": msg["sender"]["user_id"],
            }
        )
        return web.json_response({"ok": True})

    app = web.Application()
    app.on_startup.append(on_startup)
    app.router.add_get("/updates", updates)
    app.router.add_post("/_test/message", message)
    app.router.add_post("/_test/edit", edit)
    app.router.add_post("/_test/remove", remove)
    state.control.routes(app)
    return app


def main(argv: list[str] | None = None) -> None:
    serve_cli(
        "Локальный MAX Bot API для тестов и демонстрации",
        8096,
        lambda a: create_app(a.token),
        lambda p: p.add_argument("--token", default=None),
        argv,
    )


if __name__ == "__main__":
    main()
