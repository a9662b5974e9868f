"""`mcu connect max`: GET /updates with the marker kept in Kafka, or a webhook subscription
whose X-Max-Bot-Api-Secret header is checked. Ids are `max:<chat>/<mid>`."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

import aiohttp
from aiohttp import web

from connectors.base import Context, Throttle
from connectors.errors import AuthFailed, Transient
from connectors.http import TIMEOUT, check_status, network, serve_until_stopped
from connectors.message import Author, Kind, Status, Wire, from_unix
from connectors.settings import ConnectorSettings, MaxSettings, secret

PREFIX = "MCU_CONNECTORS__MAX__"
TYPES = "message_created,message_edited,message_removed"


def message_id(chat_id: int, mid: str) -> str:
    return f"max:{chat_id}/{mid}"


def wire(
    message: Mapping[str, Any], officials: Collection[int], status: Status | None = None
) -> Wire:
    chat = int(message["recipient"]["chat_id"])
    body = message["body"]
    sender = message.get("sender") or {}
    channel = message["recipient"].get("chat_type") == "channel"
    official = channel or int(sender.get("user_id", 0)) in officials
    link = message.get("link") or {}
    parent = reply_root = original = None
    if link.get("type") == "reply":
        parent = message_id(int(link.get("chat_id", chat)), link["message"]["mid"])
        reply_root = parent
    elif link.get("type") == "forward":
        original = message_id(int(link.get("chat_id", 0)), link["message"]["mid"])
    kind: Kind = "post"
    if parent is not None:
        kind = "reply" if official else "comment"
    mid = message_id(chat, body["mid"])
    return Wire(
        id=mid,
        source="max",
        kind=kind,
        thread_id=reply_root or mid,
        parent_id=parent,
        url=message.get("url"),
        author=Author(
            id=f"max:{sender.get('user_id')}" if sender else None,
            name=sender.get("name") or sender.get("first_name"),
            is_official=official,
        ),
        text=str(body.get("text") or ""),
        created_at=from_unix(int(message["timestamp"]) / 1000),
        status=status,
        original_id=original,
    )


def messages(updates: list[Mapping[str, Any]], officials: Collection[int]) -> list[Wire]:
    out = []
    for u in updates:
        kind = u.get("update_type")
        if kind == "message_created":
            out.append(wire(u["message"], officials))
        elif kind == "message_edited":
            out.append(wire(u["message"], officials, status="edited"))
        elif kind == "message_removed":
            mid = message_id(int(u["chat_id"]), str(u["message_id"]))
            out.append(
                Wire(
                    id=mid,
                    source="max",
                    kind="comment",
                    thread_id=mid,
                    text="",
                    created_at=from_unix(int(u.get("timestamp", time.time() * 1000)) / 1000),
                    status="deleted",
                )
            )
    return out


class MaxConnector:
    name: ClassVar[str] = "max"
    source: ClassVar[str] = "max"

    def __init__(self, settings: ConnectorSettings) -> None:
        self.cfg: MaxSettings = settings.connectors.max

    async def run(self, ctx: Context) -> None:
        token = secret(self.cfg.token, self.cfg.token_file, f"{PREFIX}TOKEN")
        if self.cfg.mode == "webhook":
            await self._webhook(ctx)
            return
        throttle = Throttle(self.cfg.requests_per_second)
        async with aiohttp.ClientSession(headers={"Authorization": token}) as session:
            while not ctx.stop.is_set():
                marker = (ctx.cursor("updates") or {}).get("marker")

                async def fetch(m: int | None = marker) -> dict[str, Any]:
                    await throttle.wait()
                    return await self._get(session, m)

                body = await ctx.retrying(fetch)
                ctx.metrics.polled(ctx.name)
                found = messages(body.get("updates", []), self.cfg.official_ids)
                if body.get("marker") is not None and body.get("marker") != marker:
                    await ctx.emit(found, {"updates": {"marker": body["marker"]}})

    async def _get(self, session: aiohttp.ClientSession, marker: int | None) -> dict[str, Any]:
        params = {"timeout": str(self.cfg.poll_timeout), "types": TYPES, "limit": "100"}
        if marker is not None:
            params["marker"] = str(marker)
        url = f"{self.cfg.base_url.rstrip('/')}/updates"
        try:
            async with session.get(url, params=params, timeout=TIMEOUT) as resp:
                if resp.status == 401:
                    raise AuthFailed(f"MAX отклонил токен бота; проверьте {PREFIX}TOKEN.")
                check_status(resp, "MAX")
                if resp.status >= 400:
                    raise Transient(f"MAX: HTTP {resp.status}", code=str(resp.status))
                body: dict[str, Any] = json.loads(await resp.read())
                return body
        except aiohttp.ClientError as exc:
            raise network("MAX", exc) from exc

    async def _webhook(self, ctx: Context) -> None:
        cfg = self.cfg
        key = secret(cfg.webhook_secret, cfg.webhook_secret_file, f"{PREFIX}WEBHOOK_SECRET")

        async def handle(request: web.Request) -> web.Response:
            if not hmac.compare_digest(request.headers.get("X-Max-Bot-Api-Secret", ""), key):
                return web.Response(status=401, text="bad secret")
            try:
                update = json.loads(await request.read())
            except ValueError:
                return web.Response(status=400, text="bad update")
            await ctx.emit(messages([update], cfg.official_ids))
            ctx.metrics.polled(ctx.name)
            return web.json_response({"success": True})

        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post("/max/webhook", handle)
        await serve_until_stopped(
            ctx.stop, app, cfg.webhook_host, cfg.webhook_port, lambda: ctx.metrics.polled(ctx.name)
        )
