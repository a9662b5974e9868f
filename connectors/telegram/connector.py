"""`mcu connect telegram`: getUpdates with the offset kept in Kafka, or a webhook whose
X-Telegram-Bot-Api-Secret-Token is checked; FLOOD_WAIT (429 retry_after) is honoured."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Any, ClassVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import Update
from aiogram.utils.token import TokenValidationError
from aiohttp import web

from connectors.base import Context
from connectors.errors import AuthFailed, RateLimited, Transient
from connectors.http import serve_until_stopped
from connectors.message import Wire
from connectors.settings import ConnectorSettings, TelegramSettings, secret
from connectors.telegram.normalise import wire

PREFIX = "MCU_CONNECTORS__TELEGRAM__"
ALLOWED = ["message", "edited_message", "channel_post", "edited_channel_post"]


def messages(updates: Sequence[Update], officials: Sequence[int]) -> list[Wire]:
    out = []
    for u in updates:
        if u.message or u.channel_post:
            out.append(wire(u.message or u.channel_post, officials))  # type: ignore[arg-type]
        elif u.edited_message or u.edited_channel_post:
            edited = u.edited_message or u.edited_channel_post
            out.append(wire(edited, officials, status="edited"))  # type: ignore[arg-type]
    return out


def chats(updates: Sequence[Update], before: dict[str, int]) -> dict[str, int]:
    """The last message id per chat, kept in the cursor beside the update offset."""
    out = dict(before)
    for u in updates:
        m = u.message or u.channel_post
        if m is not None:
            out[str(m.chat.id)] = max(out.get(str(m.chat.id), 0), m.message_id)
    return out


class TelegramConnector:
    name: ClassVar[str] = "telegram"
    source: ClassVar[str] = "telegram"

    def __init__(self, settings: ConnectorSettings) -> None:
        self.cfg: TelegramSettings = settings.connectors.telegram

    def _bot(self) -> Bot:
        token = secret(self.cfg.token, self.cfg.token_file, f"{PREFIX}TOKEN")
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.cfg.base_url))
        try:
            return Bot(token, session=session)
        except TokenValidationError as exc:
            raise AuthFailed(f"Токен бота имеет неверный вид; проверьте {PREFIX}TOKEN.") from exc

    async def run(self, ctx: Context) -> None:
        bot = self._bot()
        try:
            if self.cfg.mode == "webhook":
                await self._webhook(ctx)
            else:
                await self._poll(ctx, bot)
        finally:
            await bot.session.close()

    async def _get(self, bot: Bot, offset: int | None) -> list[Update]:
        try:
            return await bot.get_updates(
                offset=offset,
                timeout=self.cfg.poll_timeout,
                allowed_updates=ALLOWED,
                request_timeout=self.cfg.poll_timeout + 15,
            )
        except TelegramRetryAfter as exc:  # FLOOD_WAIT
            raise RateLimited("Telegram: FLOOD_WAIT", float(exc.retry_after), code="429") from exc
        except TelegramUnauthorizedError as exc:
            raise AuthFailed(f"Telegram отклонил токен бота; проверьте {PREFIX}TOKEN.") from exc
        except TelegramServerError as exc:
            raise Transient(f"Telegram: {exc.message}", code="5xx") from exc
        except TelegramNetworkError as exc:
            raise Transient("Telegram: сеть недоступна", code="network") from exc

    async def _poll(self, ctx: Context, bot: Bot) -> None:
        while not ctx.stop.is_set():
            state: dict[str, Any] = ctx.cursor("updates") or {"offset": None, "chats": {}}
            offset = state["offset"]
            updates = await ctx.retrying(lambda o=offset: self._get(bot, o))  # type: ignore[misc]
            ctx.metrics.polled(ctx.name)
            if not updates:
                continue
            found = messages(updates, self.cfg.official_ids)
            cursor = {
                "offset": updates[-1].update_id + 1,
                "chats": chats(updates, state.get("chats", {})),
            }
            # The offset confirms the updates to Telegram: only after Kafka has them.
            await ctx.emit(found, {"updates": cursor})

    async def _webhook(self, ctx: Context) -> None:
        cfg = self.cfg
        key = secret(cfg.webhook_secret, cfg.webhook_secret_file, f"{PREFIX}WEBHOOK_SECRET")

        async def handle(request: web.Request) -> web.Response:
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given, key):
                return web.Response(status=401, text="bad secret token")
            try:
                update = Update.model_validate_json(await request.read())
            except ValueError:
                return web.Response(status=400, text="bad update")
            # Telegram retries a webhook call until it gets 2xx: answer after Kafka acked.
            await ctx.emit(messages([update], cfg.official_ids))
            ctx.metrics.polled(ctx.name)
            return web.Response(text="ok")

        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post("/telegram/webhook", handle)
        await serve_until_stopped(
            ctx.stop, app, cfg.webhook_host, cfg.webhook_port, lambda: ctx.metrics.polled(ctx.name)
        )
