"""Telegram over the Bot API (httpx) with a configurable base URL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr

from alerts.notification import Button, Notification
from alerts.notifiers.base import DeliveryError, HandOver
from alerts.roster import Channel


class TelegramConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    base_url: str = "https://api.telegram.org"
    token: SecretStr
    timeout: float = 15.0


def keyboard(buttons: Sequence[Sequence[Button]]) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [{"text": b.text, "callback_data": b.callback_data} for b in row] for row in buttons
        ]
    }


class BotApi:
    """A thin Bot API client; errors become DeliveryError (permanent for 400/403)."""

    def __init__(self, config: TelegramConfig, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._client = client or httpx.AsyncClient()
        self._own_client = client is None

    def _url(self, method: str) -> str:
        return (
            f"{self.config.base_url.rstrip('/')}/bot{self.config.token.get_secret_value()}/{method}"
        )

    async def call(
        self,
        method: str,
        payload: dict[str, Any],
        timeout: float | None = None,
        handed_over: HandOver | None = None,
    ) -> Any:
        """One Bot API method. `handed_over()` runs once the whole request is written to the
        connection, before the answer is read (see `_body_then`)."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        content: bytes | AsyncIterator[bytes] = (
            body if handed_over is None else _body_then(body, handed_over)
        )
        try:
            response = await self._client.post(
                self._url(method),
                content=content,
                headers=headers,
                timeout=timeout or self.config.timeout,
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Telegram {method}: {type(exc).__name__}: {exc}") from exc
        try:
            data = response.json()
        except ValueError:
            data = {"ok": False, "description": response.text[:200]}
        if response.status_code == 429:
            wait = (data.get("parameters") or {}).get("retry_after", 1)
            raise DeliveryError(
                f"Telegram {method}: 429", retry_after=timedelta(seconds=float(wait))
            )
        if response.status_code >= 500:
            raise DeliveryError(f"Telegram {method}: HTTP {response.status_code}")
        if not data.get("ok"):
            permanent = response.status_code in (400, 403, 404)
            raise DeliveryError(
                f"Telegram {method}: {data.get('description')}", permanent=permanent
            )
        return data.get("result")

    async def get_me(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("getMe", {})
        return result

    async def send_message(
        self,
        chat_id: int | str,
        html: str,
        buttons: Sequence[Sequence[Button]] = (),
        handed_over: HandOver | None = None,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "chat_id": chat_id,
            "text": html,
            "parse_mode": "HTML",
            "disable_web_page_preview": True,
        }
        if buttons:
            payload["reply_markup"] = keyboard(buttons)
        result: dict[str, Any] = await self.call("sendMessage", payload, handed_over=handed_over)
        return result

    async def edit_message(
        self,
        chat_id: int | str,
        message_id: int,
        html: str,
        buttons: Sequence[Sequence[Button]] = (),
    ) -> None:
        payload: dict[str, Any] = {
            "chat_id": chat_id,
            "message_id": message_id,
            "text": html,
            "parse_mode": "HTML",
            "disable_web_page_preview": True,
            "reply_markup": keyboard(buttons),
        }
        await self.call("editMessageText", payload)

    async def answer_callback(self, callback_query_id: str, text: str, alert: bool = False) -> None:
        await self.call(
            "answerCallbackQuery",
            {"callback_query_id": callback_query_id, "text": text, "show_alert": alert},
        )

    async def get_updates(self, offset: int | None, timeout: int = 25) -> list[dict[str, Any]]:
        payload: dict[str, Any] = {"timeout": timeout, "allowed_updates": ["callback_query"]}
        if offset is not None:
            payload["offset"] = offset
        result: list[dict[str, Any]] = await self.call(
            "getUpdates", payload, timeout=timeout + self.config.timeout
        )
        return result

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()


async def _body_then(body: bytes, done: HandOver) -> AsyncIterator[bytes]:
    """The request body in one chunk, then `done()`: httpcore asks for the next chunk only once
    it has written this one to the connection, and with a Content-Length nothing follows it. A
    write that fails never asks again, so `done` is not called.

    After the write, not before as for e-mail: httpcore's write first lets the event loop run
    other work, so a hand-over before it could count as sent a request that a crash kept from
    ever leaving. The cost is a duplicate if the process dies between the write and this call."""
    yield body
    done()


class TelegramNotifier:
    channel: Channel = "telegram"

    def __init__(self, api: BotApi) -> None:
        self.api = api

    async def send(self, notification: Notification, handed_over: HandOver | None = None) -> str:
        chat_id = (
            int(notification.address)
            if notification.address.lstrip("-").isdigit()
            else notification.address
        )
        result = await self.api.send_message(
            chat_id, notification.html, notification.buttons, handed_over
        )
        return f"{chat_id}:{result['message_id']}"
