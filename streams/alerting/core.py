"""Agent *alerts*: incidents, rules, routing and delivery, partition by partition.

Each control partition is a shard of the state (see runtime.py). Ticks go to the partitions
this worker owns; deliveries of a partition are journaled per partition. The agent only
publishes incident documents to the status topic: the search engine is written by the
separate status indexer (status.py), so an outage there never stops alerts.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from functools import partial
from typing import Any

from alerts.actions import Action
from alerts.delivery import DeliveryLog
from alerts.engine import Outcome
from alerts.model import AlertEvent
from alerts.notifiers.dispatch import deliver_due
from alerts.silences import Silence
from alerts.state import State
from alerts.timefmt import iso, opt_dt
from streams import deadletter
from streams.alerting.gauges import install_gauges
from streams.alerting.runtime import AlertsRuntime, Shard
from streams.context import Context

log = logging.getLogger(__name__)


def merge(outcomes: list[Outcome]) -> Outcome:
    """Outcomes of a batch in order; the latest document of each incident and message."""
    incidents = {d["id"]: d for o in outcomes for d in o.incidents}
    items = {d["id"]: d for o in outcomes for d in o.items}
    return Outcome(
        [e for o in outcomes for e in o.alerts],
        list(items.values()),
        list(incidents.values()),
        [link for o in outcomes for link in o.links],
    )


def apply(
    rt: AlertsRuntime, shard: Shard, state: State, event: dict[str, Any], now: datetime
) -> Outcome:
    kind, engine = event["type"], shard.engine
    if kind == "messages":
        return merge([engine.on_message(state, m, now) for m in event["messages"]])
    if kind == "message":
        return engine.on_message(state, event["message"], now)
    if kind == "response":
        return engine.on_response(state, event["response"], now)
    if kind == "action":
        return engine.on_action(state, Action.from_dict(event["action"]), now)
    if kind == "silence":
        rt.router.add_silence(state, Silence.from_dict(event["silence"]))
    elif kind == "expire_silence":
        rt.router.expire_silence(state, event["silence_id"], now)
    elif kind == "tick":
        return engine.on_tick(state, now)
    return Outcome()


def status_record(outcome: Outcome) -> dict[str, Any] | None:
    """What the status indexer writes: incident documents and message fields, by id."""
    messages: dict[str, dict[str, Any]] = {}
    for msg_id, created_at, incident_id in outcome.links:
        messages[msg_id] = {"id": msg_id, "created_at": created_at, "incident_id": incident_id}
    for item in outcome.items:
        messages[item["id"]] = {**messages.get(item["id"], {}), **item}
    if not messages and not outcome.incidents:
        return None
    return {"incidents": outcome.incidents, "messages": list(messages.values())}


def install(ctx: Context, rt: AlertsRuntime) -> None:
    metrics = ctx.metrics
    rule_pairs = rt.engine.rule_severities()
    metrics.init_rules(rule_pairs)
    metrics.init_departments(sorted({d.id for d in rt.config.roster.departments}))
    keep_deliveries = rt.config.items.delivery_retention

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

    async def deliver(shard: Shard, dlog: DeliveryLog, now: datetime) -> list[str]:
        """Sends what is due; returns journaled keys still waiting for their record."""
        journal = shard.journal
        # Keys journaled by a worker that died before its changelog write are sent already.
        waiting = []
        for key in journal.recorded():
            if dlog.get(key) is None:
                waiting.append(key)
            elif not dlog.is_sent(key):
                log.info("notification %s went out before a crash; not sending it again", key)
                dlog.mark_sent(key, now, "journal")
        report = await deliver_due(
            dlog, rt.notifiers, now, on_sent=journal.record, on_unsent=journal.retract
        )
        for key in report.sent:
            record = dlog.get(key)
            if record is None:
                continue
            metrics.notifications.labels(record.notification.channel, "sent").inc()
            metrics.pipeline_latency.labels("alert_delivered").observe(
                max(0.0, (now - record.created_at).total_seconds())
            )
        for key in [*report.retrying, *report.dead]:
            record = dlog.get(key)
            if record is not None:
                metrics.notifications.labels(record.notification.channel, "failed").inc()
        return waiting

    def housekeeping(state: State, dlog: DeliveryLog, now: datetime) -> None:
        """Sent notifications older than the retention go, once an hour (a scan of the log)."""
        marks = state.table("marks")
        last = opt_dt(marks.get("pruned_at"))
        if last is not None and (now - last).total_seconds() < 3600:
            return
        dlog.prune(now, keep_deliveries)
        marks["pruned_at"] = iso(now)

    async def handle(shard: Shard, event: dict[str, Any]) -> None:
        now = datetime.now(UTC)
        session = shard.session()
        state = session.state
        outcome = apply(rt, shard, state, event, now)
        notifications = [n for ev in outcome.alerts for n in rt.router.on_event(state, ev, now)]
        if event["type"] == "tick":
            notifications += rt.router.on_tick(state, now)
        session.log.enqueue_all(notifications, now)
        count(outcome.alerts, event.get("message"))
        for message in event.get("messages", []):
            count([], message)
        count_items(outcome.items)
        for ev in outcome.alerts:
            await ctx.topics.alerts.send(
                key=ev.alert.id.encode(),
                value=json.dumps(ev.to_dict(), ensure_ascii=False).encode(),
            )
        record = status_record(outcome)
        if record is not None:
            await ctx.topics.status.send(
                key=f"p{shard.partition}".encode(),
                value=json.dumps(record, ensure_ascii=False).encode(),
            )
        waiting: list[str] = []
        if event["type"] == "tick":
            housekeeping(state, session.log, now)
            waiting = await deliver(shard, session.log, now)
        session.flush()
        if event["type"] == "tick":
            # Once the delivery log's changelog is in Kafka, the journal is not needed.
            await ctx.app.producer.flush()
            shard.journal.keep_only(waiting)

    @ctx.app.agent(rt.control, name="mcu.alerts")
    async def alerts(stream: Any) -> None:
        async for event in stream.events():
            try:
                body = json.loads(event.value)
                shard = rt.shard(event.message.partition)
                if not await shard.run(partial(handle, shard, body)):
                    log.info("partition %d revoked: its new owner reads the event", shard.partition)
            except Exception as exc:  # one event must not stop alerting for everyone
                log.exception("alert event failed")
                reason = f"internal: {type(exc).__name__}: {exc}"
                origin = rt.control.get_topic_name()
                await deadletter.put(ctx, event.value, None, "alerts", reason, origin)

    @ctx.app.on_partitions_revoked.connect
    async def finish_in_flight(app: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        """The event in progress on a revoked partition ends, and its writes reach Kafka, before
        this worker lets the rebalance go on (see Shard)."""
        for shard in rt.known_shards(args[0]):
            await shard.revoke()
        await app.producer.flush()

    @ctx.app.on_partitions_assigned.connect
    async def take_up(app: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        for shard in rt.known_shards(args[0]):
            shard.assign()

    @ctx.app.timer(interval=ctx.settings.alerts.tick_seconds, name="mcu.alerts.tick")
    async def tick() -> None:
        """A tick for every control partition this worker owns (each runs its own clock)."""
        control = rt.control.get_topic_name()
        for tp in ctx.app.assignor.assigned_actives():
            if tp.topic == control:
                await rt.submit("tick", {}, partition=tp.partition)

    install_gauges(ctx, rt)
