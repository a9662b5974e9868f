"""VK Callback API: an aiohttp endpoint that confirms the server, checks the secret,
dedups by event_id and answers «ok» only after Kafka acknowledged the message."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from aiohttp import web

from connectors.base import Context
from connectors.vk import events
from connectors.vk import normalise as vk

log = logging.getLogger("mcu.connectors.vk")
SEEN_EVENTS = 2000  # VK retries an event for a few minutes; remember that many ids


def create_app(
    ctx: Context, who: vk.Officials, confirmation: str, secret: str | None
) -> web.Application:
    group_id = who.group_id
    lock = asyncio.Lock()

    async def handle(request: web.Request) -> web.Response:
        try:
            event: dict[str, Any] = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="bad json")
        if secret is not None and not hmac.compare_digest(str(event.get("secret", "")), secret):
            return web.Response(status=403, text="bad secret")
        if group_id is not None and int(event.get("group_id", 0)) != abs(group_id):
            return web.Response(status=403, text="unknown group")
        if event.get("type") == "confirmation":
            return web.Response(text=confirmation)
        retry = request.headers.get("X-Retry-Counter")
        event_id = str(event.get("event_id", ""))
        if retry:
            log.info("VK повторно прислал событие %s (попытка %s)", event_id, retry)
        async with lock:
            seen: list[str] = ctx.cursor("callback", {"seen": []})["seen"]
            if event_id and event_id in seen:
                return web.Response(text="ok")  # a retry of what Kafka already has
            # Not «ok» until acked: VK retries the event (X-Retry-Counter) when we fail.
            found = events.messages(event, who)
            await ctx.emit(found, {"callback": {"seen": [*seen, event_id][-SEEN_EVENTS:]}})
        ctx.metrics.polled(ctx.name)
        return web.Response(text="ok")

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/", handle)
    app.router.add_post("/vk/callback", handle)
    return app
