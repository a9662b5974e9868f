"""The alerts HTTP API (list, ack, resolve, silences, audit), served by every worker.

Lists come from the changelog views (every partition); changes go to the control partition
that owns the alert (its id says which), silences to every partition.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from alerts.access import Tokens
from alerts.actions import Action
from alerts.api import ApiHandlers, create_app
from alerts.audit import AuditEntry
from alerts.model import Alert
from alerts.pii import PiiMask
from alerts.silences import Silence
from streams.alerting.runtime import AlertsRuntime
from streams.alerting.shards import partition_of_alert
from streams.alerting.views import ChangelogView
from streams.audit import AuditFile
from streams.context import Context
from streams.settings import AlertsSettings

log = logging.getLogger(__name__)
# Values that are known to anyone who read this repository or a tutorial.
KNOWN_TOKENS = frozenset({"devstack-api-token", "devstack-token", "changeme", "secret", "token"})
MIN_TOKEN = 24


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_problem(settings: AlertsSettings) -> str | None:
    """Why the API must not start as configured (Russian, names the setting); None when fine."""
    if not settings.enabled or is_loopback(settings.api_host):
        return None
    token = settings.api_token.get_secret_value() if settings.api_token else ""
    if token and token not in KNOWN_TOKENS and len(token) >= MIN_TOKEN:
        return None
    reason = (
        "не задан"
        if not token
        else "стандартный (из devstack или примеров)"
        if token in KNOWN_TOKENS
        else f"короче {MIN_TOKEN} символов"
    )
    return (
        f"API оповещений слушает {settings.api_host} (MCU_ALERTS__API_HOST), не только loopback, "
        f"а токен MCU_ALERTS__API_TOKEN {reason}. Задайте длинный случайный токен "
        "(MCU_ALERTS__API_TOKEN или файл MCU_ALERTS__API_TOKEN_FILE) или слушайте 127.0.0.1."
    )


def handlers(
    rt: AlertsRuntime, audit: AuditFile, alerts: ChangelogView, silences: ChangelogView
) -> ApiHandlers:
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

    async def record(entry: AuditEntry) -> None:
        await asyncio.to_thread(audit.append, entry)

    async def read_audit(since: datetime | None, actor: str | None, limit: int) -> list[AuditEntry]:
        return await asyncio.to_thread(audit.read, since, actor, limit)

    return ApiHandlers(
        list_alerts=list_alerts,
        act=act,
        add_silence=add_silence,
        list_silences=list_silences,
        expire_silence=expire_silence,
        clock=lambda: datetime.now(UTC),
        record=record,
        read_audit=read_audit,
    )


def install(ctx: Context, rt: AlertsRuntime) -> None:
    settings = ctx.settings.alerts
    shared = settings.api_token.get_secret_value() if settings.api_token else None
    tokens = Tokens(rt.config.roster, shared)
    pii = PiiMask(contacts=settings.mask_pii, authors=settings.mask_authors)
    kafka = ctx.settings.kafka
    options = kafka.client_options()

    def view(table: str) -> ChangelogView:
        topic = rt.tables[table].changelog_topic.get_topic_name()
        return ChangelogView(kafka.bootstrap, topic, options)

    alerts, silences = view("alerts"), view("silences")

    @ctx.app.task
    async def follow_alerts() -> None:
        await alerts.run()

    @ctx.app.task
    async def follow_silences() -> None:
        await silences.run()

    @ctx.app.task
    async def serve_api() -> None:
        problem = exposure_problem(settings)
        if problem is not None:
            # The worker checks this before it starts; here for hosts that skip that check.
            raise RuntimeError(problem)
        audit = AuditFile(ctx.settings.audit_file)
        app = create_app(handlers(rt, audit, alerts, silences), tokens.caller, pii=pii)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, settings.api_host, settings.api_port).start()
        log.info(
            "alerts API on http://%s:%s/api/v1 (%d tokens, shared token %s)",
            settings.api_host,
            settings.api_port,
            len(tokens),
            "on" if shared else "off",
        )
        try:
            # Served until the worker stops and cancels this task.
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
