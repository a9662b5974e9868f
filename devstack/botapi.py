"""A local Telegram Bot API server (aiohttp) for tests and the demo.

Methods: getMe, sendMessage, editMessageText, answerCallbackQuery, getUpdates (long polling).
Test endpoints: POST /_test/press {chat_id, message_id, data[, from_id]} presses an inline
button; POST /_test/chat_message {bot, chat_id, chat_type, text, from_id | sender_chat_id,
reply_to, forward_from_chat, forward_from_message_id} posts into a chat where the bot `bot`
(its token) is admin, as `message` or `channel_post`; POST /_test/chat_edit {bot, chat_id,
message_id, text} edits it (`edited_message` / `edited_channel_post`); GET /_test/messages and
/_test/answers show what the bot did; POST /_test/fail {method, status, times[, retry_after]}
makes the next calls fail; POST /_test/hold {method} / /_test/release hold calls;
POST /_test/reset.

    python -m devstack.botapi --port 8081 --out FILE
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from aiohttp import web

from devstack.fakes.control import Control
from devstack.fakes.runner import AppThread

_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip


class _EntityCheck(HTMLParser):
    """Telegram rejects unknown or unbalanced tags with «can't parse entities»."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.error = self.error or f'unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'unmatched end tag "{tag}"'
        else:
            self.stack.pop()


def html_error(text: str) -> str | None:
    checker = _EntityCheck()
    checker.feed(text)
    checker.close()
    if checker.error is None and checker.stack:
        checker.error = f'unclosed tag "{checker.stack[-1]}"'
    return checker.error


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class BotState:
    out: Path | None
    token: str | None
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    callbacks: set[str] = field(default_factory=set)
    failures: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)
    next_update: int = 1
    next_message: int = 1
    changed: asyncio.Event | None = None
    control: Control = field(default_factory=Control)
    chats: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    senders: dict[tuple[int, int], str] = field(default_factory=dict)

    def log(self, event: str, data: dict[str, Any]) -> None:
        if self.out is None:
            return
        self.out.parent.mkdir(parents=True, exist_ok=True)
        with self.out.open("a", encoding="utf-8") as fh:
            fh.write(
                json.dumps({"event": event, "at": time.time(), **data}, ensure_ascii=False) + "\n"
            )


def _markup(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    markup = json.loads(value) if isinstance(value, str) else value
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if not button.get("text") or (
                data is not None and not 1 <= len(str(data).encode()) <= 64
            ):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


def _text(params: dict[str, Any]) -> str:
    text = str(params.get("text") or "")
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    if params.get("parse_mode") == "HTML":
        problem = html_error(text)
        if problem:
            raise ApiError(400, f"Bad Request: can't parse entities: {problem}")
    return text


def _chat(params: dict[str, Any]) -> int:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiError(400, "Bad Request: chat not found") from exc


def _buttons(markup: dict[str, Any] | None) -> set[str]:
    rows = (markup or {}).get("inline_keyboard", [])
    return {str(b["callback_data"]) for row in rows for b in row if "callback_data" in b}


def create_app(out: Path | None = None, token: str | None = None) -> web.Application:
    state = BotState(out, token)

    async def on_startup(_: web.Application) -> None:
        state.changed = asyncio.Event()

    def notify() -> None:
        if state.changed is not None:
            state.changed.set()

    async def get_me(params: dict[str, Any]) -> Any:
        return {
            "id": 100000001,
            "is_bot": True,
            "first_name": "МЦУ оповещения",
            "username": "mcu_local_bot",
        }

    async def send_message(params: dict[str, Any]) -> Any:
        chat_id, text, markup = _chat(params), _text(params), _markup(params.get("reply_markup"))
        message_id = state.next_message
        state.next_message += 1
        record = {
            "chat_id": chat_id,
            "message_id": message_id,
            "text": text,
            "parse_mode": params.get("parse_mode"),
            "reply_markup": markup,
            "date": int(time.time()),
            "edits": 0,
        }
        state.messages[(chat_id, message_id)] = record
        state.senders[(chat_id, message_id)] = str(params.get("_token"))
        state.log("sendMessage", record)
        return {
            "message_id": message_id,
            "date": record["date"],
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        }

    async def edit_message_text(params: dict[str, Any]) -> Any:
        chat_id = _chat(params)
        key = (chat_id, int(params.get("message_id") or 0))
        if key not in state.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        text, markup = _text(params), _markup(params.get("reply_markup"))
        record = state.messages[key]
        if record["text"] == text and record["reply_markup"] == markup:
            raise ApiError(400, "Bad Request: message is not modified")
        record.update(text=text, reply_markup=markup, edits=record["edits"] + 1)
        state.log("editMessageText", record)
        return {"message_id": key[1], "chat": {"id": chat_id, "type": "private"}, "text": text}

    async def answer_callback_query(params: dict[str, Any]) -> Any:
        ident = str(params.get("callback_query_id") or "")
        if ident not in state.callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        answer = {
            "callback_query_id": ident,
            "text": params.get("text"),
            "show_alert": bool(params.get("show_alert")),
        }
        state.answers.append(answer)
        state.log("answerCallbackQuery", answer)
        return True

    async def get_updates(params: dict[str, Any]) -> Any:
        # Each bot (token) has its own queue; chat messages are addressed to one bot.
        bot = str(params.get("_token"))

        def mine(update: dict[str, Any]) -> bool:
            return update.get("_bot") in (None, bot)

        offset = params.get("offset")
        if offset is not None:
            # Confirmed updates are forgotten, as in the real Bot API.
            state.updates = [
                u for u in state.updates if u["update_id"] >= int(offset) or not mine(u)
            ]
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 50.0)
        while (
            not any(mine(u) for u in state.updates)
            and time.monotonic() < deadline
            and state.changed is not None
        ):
            state.changed.clear()
            try:
                await asyncio.wait_for(state.changed.wait(), timeout=deadline - time.monotonic())
            except TimeoutError:
                break
        limit = int(params.get("limit") or 100)
        found = [u for u in state.updates if mine(u)][:limit]
        return [{k: v for k, v in u.items() if k != "_bot"} for u in found]

    methods = {
        "getme": get_me,
        "sendmessage": send_message,
        "editmessagetext": edit_message_text,
        "answercallbackquery": answer_callback_query,
        "getupdates": get_updates,
    }

    async def bot_method(request: web.Request) -> web.Response:
        if state.token is not None and request.match_info["token"] != state.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        name = request.match_info["method"].lower()
        await state.control.hold(name)
        if name not in methods:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        failures = state.failures.get(name)
        if failures:
            status, retry_after = failures.pop(0)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": status,
                "description": "injected failure",
            }
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            return web.json_response(body, status=status)
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        params["_token"] = request.match_info["token"]
        try:
            result = await methods[name](params)
        except ApiError as exc:
            return web.json_response(
                {"ok": False, "error_code": exc.code, "description": exc.description},
                status=exc.code,
            )
        return web.json_response({"ok": True, "result": result})

    async def press(request: web.Request) -> web.Response:
        data = await request.json()
        key = (int(data["chat_id"]), int(data["message_id"]))
        message = state.messages.get(key)
        if message is None:
            return web.json_response({"ok": False, "description": "no such message"}, status=404)
        if str(data["data"]) not in _buttons(message["reply_markup"]):
            return web.json_response(
                {"ok": False, "description": "no such button on the message"}, status=400
            )
        user_id = int(data.get("from_id") or key[0])
        update_id = state.next_update
        state.next_update += 1
        callback_id = f"cb{update_id}"
        state.callbacks.add(callback_id)
        update = {
            "update_id": update_id,
            "callback_query": {
                "id": callback_id,
                "from": {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": data.get("from_name", "Тест"),
                },
                "message": {
                    "message_id": key[1],
                    "chat": {"id": key[0], "type": "private"},
                    "date": message["date"],
                    "text": message["text"],
                },
                "chat_instance": str(key[0]),
                "data": str(data["data"]),
            },
        }
        # The press goes to the bot that sent the message with the button.
        state.updates.append({**update, "_bot": state.senders.get(key)})
        state.log("press", update)
        notify()
        return web.json_response(
            {"ok": True, "update_id": update_id, "callback_query_id": callback_id}
        )

    def chat_update(data: dict[str, Any], message: dict[str, Any], edited: bool) -> int:
        channel = message["chat"]["type"] == "channel"
        field_name = ("edited_" if edited else "") + ("channel_post" if channel else "message")
        update_id = state.next_update
        state.next_update += 1
        state.updates.append({"update_id": update_id, field_name: message, "_bot": data["bot"]})
        state.log("chat", {"update_id": update_id, field_name: message})
        notify()
        return update_id

    async def chat_message(request: web.Request) -> web.Response:
        data = await request.json()
        chat_id = int(data["chat_id"])
        kind = data.get("chat_type", "supergroup")
        chat = {"id": chat_id, "type": kind, "title": data.get("title", "Чат")}
        if data.get("username"):
            chat["username"] = data["username"]
        message_id = sum(1 for c, _ in state.chats if c == chat_id) + 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(data.get("date", time.time())),
            "chat": chat,
            "text": data["text"],
        }
        if data.get("from_id"):
            message["from"] = {
                "id": int(data["from_id"]),
                "is_bot": False,
                "first_name": data.get("from_name", "Житель"),
            }
        if data.get("sender_chat_id"):
            message["sender_chat"] = {
                "id": int(data["sender_chat_id"]),
                "type": "channel" if kind == "channel" else "supergroup",
                "title": data.get("sender_title", chat["title"]),
            }
        if data.get("reply_to"):
            parent = state.chats[(chat_id, int(data["reply_to"]))]
            message["reply_to_message"] = {
                k: v for k, v in parent.items() if k != "reply_to_message"
            }
        if data.get("forward_from_chat"):
            origin_chat = {
                "id": int(data["forward_from_chat"]),
                "type": "channel",
                "title": "Канал",
            }
            message["forward_origin"] = {
                "type": "channel",
                "date": message["date"] - 60,
                "chat": origin_chat,
                "message_id": int(data["forward_from_message_id"]),
            }
        state.chats[(chat_id, message_id)] = message
        update_id = chat_update(data, dict(message), edited=False)
        return web.json_response({"ok": True, "message_id": message_id, "update_id": update_id})

    async def chat_edit(request: web.Request) -> web.Response:
        data = await request.json()
        message = state.chats[(int(data["chat_id"]), int(data["message_id"]))]
        message.update(text=data["text"], edit_date=int(time.time()))
        update_id = chat_update(data, dict(message), edited=True)
        return web.json_response({"ok": True, "update_id": update_id})

    async def messages(_: web.Request) -> web.Response:
        ordered = sorted(state.messages.values(), key=lambda m: m["message_id"])
        return web.json_response({"ok": True, "messages": ordered})

    async def answers(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "answers": state.answers})

    async def fail(request: web.Request) -> web.Response:
        data = await request.json()
        name = str(data["method"]).lower()
        entry = (int(data.get("status", 502)), data.get("retry_after"))
        state.failures.setdefault(name, []).extend([entry] * int(data.get("times", 1)))
        return web.json_response({"ok": True})

    async def reset(_: web.Request) -> web.Response:
        state.messages.clear()
        state.updates.clear()
        state.answers.clear()
        state.failures.clear()
        return web.json_response({"ok": True})

    app = web.Application()
    app.on_startup.append(on_startup)
    app.router.add_route("*", "/bot{token}/{method}", bot_method)
    app.router.add_post("/_test/press", press)
    app.router.add_post("/_test/chat_message", chat_message)
    app.router.add_post("/_test/chat_edit", chat_edit)
    state.control.hold_routes(app)
    app.router.add_get("/_test/messages", messages)
    app.router.add_get("/_test/answers", answers)
    app.router.add_post("/_test/fail", fail)
    app.router.add_post("/_test/reset", reset)
    return app


class BotApiServer(AppThread):
    """The Bot API app in its own thread and loop, so sync and async tests can share it."""

    def __init__(
        self,
        out: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
    ) -> None:
        super().__init__(lambda: create_app(out, token), host, port)
        self.out, self.token = out, token


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Локальный Telegram Bot API для тестов и демонстрации"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--out", type=Path, default=None, help="журнал JSON Lines: сообщения, правки, нажатия"
    )
    parser.add_argument(
        "--token", default=None, help="принимать только этот токен (по умолчанию любой)"
    )
    args = parser.parse_args(argv)
    print(f"Bot API слушает {args.host}:{args.port}", flush=True)
    web.run_app(create_app(args.out, args.token), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
