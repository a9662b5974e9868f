"""What feeds the control topic: tagged messages, responses, ticks, Telegram button presses."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

from alerts.audit import for_action
from alerts.notifiers.base import DeliveryError
from alerts.notifiers.poller import poll_actions
from alerts.recipients import recipients
from streams import deadletter
from streams.alerting.runtime import AlertsRuntime
from streams.audit import AuditFile
from streams.context import Context
from streams.records import BadMessage, parse_response

log = logging.getLogger(__name__)


def install(ctx: Context, rt: AlertsRuntime) -> None:
    settings = ctx.settings.alerts
    origin = ctx.settings.kafka.topics.responses

    @ctx.app.agent(ctx.topics.tagged, name="mcu.alerts.messages")
    async def messages(stream: Any) -> None:
        async for raw in stream:
            try:
                message = json.loads(raw)
            except ValueError:
                continue  # the index agent dead-letters it
            await rt.submit("message", {"message": message})

    @ctx.app.agent(ctx.topics.responses, name="mcu.alerts.responses")
    async def responses(stream: Any) -> None:
        async for raw in stream:
            try:
                response = parse_response(raw)
            except BadMessage as exc:
                await deadletter.put(ctx, raw, None, "alerts", exc.reason, origin)
                continue
            await rt.submit("response", {"response": response})

    @ctx.app.timer(interval=settings.tick_seconds, on_leader=True, name="mcu.alerts.tick")
    async def tick() -> None:
        await rt.submit("tick", {})

    bot = rt.bot
    if not settings.telegram_poll or bot is None:
        return
    offset: list[int | None] = [None]
    roster = rt.engine.roster
    audit = AuditFile(ctx.settings.audit_file)

    def sent_to(alert_id: str) -> set[str]:
        return recipients(rt.log.records(), roster, alert_id)

    @ctx.app.task
    async def telegram() -> None:
        while True:
            # One poller per bot: Telegram refuses concurrent getUpdates.
            if not ctx.app.is_leader():
                await asyncio.sleep(5)
                continue
            try:
                # Long polling: returns at once when someone presses a button.
                result = await poll_actions(
                    bot,
                    offset[0],
                    datetime.now(UTC),
                    timeout=10,
                    authorize=roster.person_for_telegram_user,
                    recipients=sent_to,
                )
            except DeliveryError as exc:
                log.warning("Telegram getUpdates failed: %s", exc)
                await asyncio.sleep(5)
                continue
            if result.rejected:
                log.warning(
                    "Telegram: %d button presses refused (not a recipient)", result.rejected
                )
            for action in result.actions:
                await rt.submit("action", {"action": action.to_dict()})
                await asyncio.to_thread(audit.append, for_action(action))
            # Telegram re-sends updates below the offset, so a lost press is re-read, not lost.
            offset[0] = result.offset
