"""The alerts HTTP API (list, ack, resolve, silences), served by every worker.

Lists come from the changelog views (every partition); changes go to the control partition
that owns the alert (its id says which), silences to every partition.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from alerts.actions import Action
from alerts.api import ApiHandlers, create_app
from alerts.model import Alert
from alerts.silences import Silence
from streams.alerting.runtime import AlertsRuntime
from streams.alerting.shards import partition_of_alert
from streams.alerting.views import ChangelogView
from streams.context import Context

log = logging.getLogger(__name__)


def handlers(rt: AlertsRuntime, alerts: ChangelogView, silences: ChangelogView) -> ApiHandlers:
    def known(alert_id: str) -> bool:
        return any(a.get("id") == alert_id for a in alerts.values())

    async def list_alerts() -> list[dict[str, Any]]:
        found = sorted((Alert.from_dict(d) for d in alerts.values()), key=lambda a: a.started_at)
        return [a.to_dict() for a in found]

    async def act(action: Action) -> bool:
        if not known(action.alert_id):
            return False
        partition = partition_of_alert(action.alert_id)
        await rt.submit("action", {"action": action.to_dict()}, partition=partition)
        return True

    async def add_silence(silence: Silence) -> None:
        await rt.submit("silence", {"silence": silence.to_dict()})

    def stored() -> dict[str, Silence]:
        return {s["id"]: Silence.from_dict(s) for s in silences.values()}

    async def list_silences() -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        every = [*rt.router.static_silences, *stored().values()]
        return [s.to_dict() for s in every if s.active(now)]

    async def expire_silence(silence_id: str) -> bool:
        if silence_id not in stored():
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
    bootstrap = ctx.settings.kafka.bootstrap
    alerts = ChangelogView(bootstrap, rt.tables["alerts"].changelog_topic.get_topic_name())
    silences = ChangelogView(bootstrap, rt.tables["silences"].changelog_topic.get_topic_name())

    @ctx.app.task
    async def follow_alerts() -> None:
        await alerts.run()

    @ctx.app.task
    async def follow_silences() -> None:
        await silences.run()

    @ctx.app.task
    async def serve_api() -> None:
        app = create_app(handlers(rt, alerts, silences), settings.api_token.get_secret_value())
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, settings.api_host, settings.api_port).start()
        log.info("alerts API on http://%s:%s/api/v1", settings.api_host, settings.api_port)
        try:
            # Served until the worker stops and cancels this task.
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
