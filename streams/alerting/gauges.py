"""Timer: incident and alert gauges of the partitions this worker owns (Prometheus sums them)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from streams.alerting.runtime import AlertsRuntime
from streams.alerting.shards import partition_of_key
from streams.context import Context

INTERVAL_SECONDS = 5.0
STATES = ("new", "in_work", "answered", "resolved", "not_ours", "chatter")


def _state(item: dict[str, Any]) -> str:
    status = item.get("status")
    if status == "not_required":
        return "chatter"
    if status == "closed":
        return "not_ours" if item.get("not_ours") else "resolved"
    if status == "answered":
        return "answered"
    return "in_work" if item.get("taken") or status == "interim" else "new"


def install_gauges(ctx: Context, rt: AlertsRuntime) -> None:
    metrics = ctx.metrics
    departments = sorted({d.id for d in rt.config.roster.departments})
    pairs = rt.engine.rule_severities()
    for department in departments:
        for state in STATES:
            metrics.incidents.labels(department, state).set(0)

    @ctx.app.timer(interval=INTERVAL_SECONDS, name="mcu.alerts.gauges")
    async def gauges() -> None:
        """A read-only scan of raw values every few seconds, never inside a tick."""
        control = rt.control.get_topic_name()
        mine = {tp.partition for tp in ctx.app.assignor.assigned_actives() if tp.topic == control}
        open_by: Counter[str] = Counter()
        overdue_by: Counter[str] = Counter()
        states: Counter[tuple[str, str]] = Counter()
        for key, item in list(rt.tables["incidents"].items()):
            if partition_of_key(key) not in mine:
                continue
            department = item.get("department") or "unknown"
            states[(department, _state(item))] += 1
            if item.get("status") in ("open", "interim") and item.get("needs_response"):
                open_by[department] += 1
                overdue_by[department] += bool(item.get("overdue"))
        for department in {*departments, *open_by, *(d for d, _ in states)}:
            metrics.open_items.labels(department).set(open_by.get(department, 0))
            metrics.overdue_items.labels(department).set(overdue_by.get(department, 0))
            for state in STATES:
                metrics.incidents.labels(department, state).set(states.get((department, state), 0))
        open_now: Counter[tuple[str, str]] = Counter()
        for key, alert in list(rt.tables["alerts"].items()):
            if partition_of_key(key) in mine:
                open_now[(alert["rule"], alert["severity"])] += 1
        for rule, severity in pairs:
            metrics.alerts_open.labels(rule, severity).set(open_now.get((rule, severity), 0))
