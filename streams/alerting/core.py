"""Agent *alerts*: the one owner of alert state. Rules, routing and delivery, event by event."""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from alerts.actions import Action
from alerts.engine import Outcome
from alerts.model import AlertEvent
from alerts.notifiers.dispatch import deliver_due
from alerts.silences import Silence
from streams import deadletter
from streams.alerting.journal import SentJournal
from streams.alerting.runtime import AlertsRuntime
from streams.context import Context
from streams.retry import in_thread_until_done
from streams.search import connect

log = logging.getLogger(__name__)


def install(ctx: Context, rt: AlertsRuntime) -> None:
    metrics = ctx.metrics
    search = connect(ctx.settings.search)
    rule_pairs = rt.engine.rule_severities()
    metrics.init_rules(rule_pairs)
    metrics.init_departments(sorted({d.id for d in rt.config.roster.departments}))

    def apply(event: dict[str, Any], now: datetime) -> Outcome:
        kind = event["type"]
        if kind == "message":
            return rt.engine.on_message(rt.state, event["message"], now)
        if kind == "response":
            return rt.engine.on_response(rt.state, event["response"], now)
        if kind == "action":
            return rt.engine.on_action(rt.state, Action.from_dict(event["action"]), now)
        if kind == "silence":
            rt.router.add_silence(rt.state, Silence.from_dict(event["silence"]))
        elif kind == "expire_silence":
            rt.router.expire_silence(rt.state, event["silence_id"], now)
        elif kind == "tick":
            return rt.engine.on_tick(rt.state, now)
        return Outcome()

    def count(events: list[AlertEvent], message: dict[str, Any] | None) -> None:
        for ev in events:
            labels = {"rule": ev.alert.rule, "severity": ev.alert.severity}
            if ev.type == "firing":
                metrics.alerts_fired.labels(**labels).inc()
                metrics.alert_last_fired.labels(**labels).set(ev.at.timestamp())
            elif ev.type == "resolved":
                metrics.alerts_resolved.labels(**labels).inc()
            elif ev.type == "acknowledged":
                metrics.alerts_acknowledged.labels(**labels).inc()
        # Recount rather than inc/dec: an open alert's severity may change.
        open_now = Counter((a.rule, a.severity) for a in rt.engine.active_alerts(rt.state))
        for rule, severity in rule_pairs:
            metrics.alerts_open.labels(rule, severity).set(open_now.get((rule, severity), 0))
        if (
            message
            and message.get("kind") == "reply"
            and message.get("author", {}).get("is_official")
        ):
            nlp = message.get("nlp", {})
            department = rt.engine.department_for(nlp.get("category")) or "unknown"
            metrics.replies.labels(department, str(bool(nlp.get("formal_reply"))).lower()).inc()

    def count_items(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("response_hours") is not None and item.get("status") != "open":
                metrics.response_hours.labels(item.get("department") or "unknown").observe(
                    float(item["response_hours"])
                )

    def gauge_departments() -> None:
        open_by: Counter[str] = Counter()
        overdue_by: Counter[str] = Counter()
        for item in rt.state.table("items").values():
            if item.get("status") in ("open", "interim") and item.get("needs_response"):
                department = item.get("department") or "unknown"
                open_by[department] += 1
                if item.get("overdue"):
                    overdue_by[department] += 1
        for department in {*open_by, *(d.id for d in rt.config.roster.departments)}:
            metrics.open_items.labels(department).set(open_by.get(department, 0))
            metrics.overdue_items.labels(department).set(overdue_by.get(department, 0))

    journal = SentJournal(ctx.settings.worker.data_dir / "alerts-sent.journal")

    async def deliver(now: datetime) -> list[str]:
        """Sends what is due; returns journaled keys still waiting for their record."""
        # Keys journaled by a worker that died before its changelog write are sent already.
        waiting = []
        for key in journal.recorded():
            if rt.log.get(key) is None:
                waiting.append(key)
            elif not rt.log.is_sent(key):
                log.info("notification %s went out before a crash; not sending it again", key)
                rt.log.mark_sent(key, now, "journal")
        report = await deliver_due(rt.log, rt.notifiers, now, on_sent=journal.record)
        for key in report.sent:
            record = rt.log.get(key)
            if record is None:
                continue
            metrics.notifications.labels(record.notification.channel, "sent").inc()
            metrics.pipeline_latency.labels("alert_delivered").observe(
                max(0.0, (now - record.created_at).total_seconds())
            )
        for key in [*report.retrying, *report.dead]:
            record = rt.log.get(key)
            if record is not None:
                metrics.notifications.labels(record.notification.channel, "failed").inc()
        return waiting

    @ctx.app.agent(rt.control, name="mcu.alerts")
    async def alerts(stream: Any) -> None:
        async for raw in stream:
            now = datetime.now(UTC)
            try:
                event = json.loads(raw)
                outcome = apply(event, now)
            except Exception as exc:  # one event must not stop alerting for everyone
                log.exception("alert event failed")
                reason = f"internal: {type(exc).__name__}: {exc}"
                await deadletter.put(ctx, raw, None, "alerts", reason, rt.control.get_topic_name())
                continue
            notifications = [
                n for ev in outcome.alerts for n in rt.router.on_event(rt.state, ev, now)
            ]
            if event["type"] == "tick":
                notifications += rt.router.on_tick(rt.state, now)
            rt.log.enqueue_all(notifications, now)
            count(outcome.alerts, event.get("message"))
            count_items(outcome.items)
            for ev in outcome.alerts:
                await ctx.topics.alerts.send(
                    key=ev.alert.id.encode(),
                    value=json.dumps(ev.to_dict(), ensure_ascii=False).encode(),
                )
            if outcome.items:
                updates = [(i["id"], i.get("created_at"), _index_fields(i)) for i in outcome.items]
                result = await in_thread_until_done(
                    "index item status", search.bulk_update, updates
                )
                for error in result.errors:
                    metrics.index_errors.labels("rejected").inc()
                    log.error("item %s: status not indexed: %s", error.id, error.reason)
            if event["type"] == "tick":
                gauge_departments()
                waiting = await deliver(now)
                # Once the delivery log's changelog is in Kafka, the journal is not needed.
                await ctx.app.producer.flush()
                journal.keep_only(waiting)


def _index_fields(item: dict[str, Any]) -> dict[str, Any]:
    fields = dict(item)
    fields.pop("id", None)
    fields.pop("created_at", None)
    return fields
