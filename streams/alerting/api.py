"""The alerts HTTP API (list, ack, resolve, silences) served by the worker next to faust."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from alerts.actions import Action
from alerts.api import ApiHandlers, create_app
from alerts.silences import Silence
from streams.alerting.runtime import AlertsRuntime
from streams.context import Context

log = logging.getLogger(__name__)


def handlers(rt: AlertsRuntime) -> ApiHandlers:
    async def list_alerts() -> list[dict[str, Any]]:
        return [a.to_dict() for a in rt.engine.active_alerts(rt.state)]

    async def act(action: Action) -> bool:
        if rt.state.table("alerts").get(action.alert_id) is None:
            return False
        await rt.submit("action", {"action": action.to_dict()})
        return True

    async def add_silence(silence: Silence) -> None:
        await rt.submit("silence", {"silence": silence.to_dict()})

    async def list_silences() -> list[dict[str, Any]]:
        return [s.to_dict() for s in rt.router.silences(rt.state, datetime.now(UTC))]

    async def expire_silence(silence_id: str) -> bool:
        if silence_id not in rt.state.table("silences"):
            return False
        await rt.submit("expire_silence", {"silence_id": silence_id})
        return True

    return ApiHandlers(
        list_alerts=list_alerts,
        act=act,
        add_silence=add_silence,
        list_silences=list_silences,
        expire_silence=expire_silence,
        clock=lambda: datetime.now(UTC),
    )


def install(ctx: Context, rt: AlertsRuntime) -> None:
    settings = ctx.settings.alerts

    @ctx.app.task
    async def serve_api() -> None:
        app = create_app(handlers(rt), settings.api_token.get_secret_value())
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, settings.api_host, settings.api_port).start()
        log.info("alerts API on http://%s:%s/api/v1", settings.api_host, settings.api_port)
        try:
            # Served until the worker stops and cancels this task.
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
