"""overdue: an item without an official reply near, at and after its deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from alerts.durations import Span, parse_span
from alerts.items import Item
from alerts.model import Severity
from alerts.rules.base import (
    BaseRule,
    Context,
    Fire,
    RuleSpec,
    Signal,
    Strict,
    incident_annotations,
)
from alerts.rules.registry import register

StageName = Literal["warning", "overdue", "escalated"]
CACHE = 4096
SpanField = Annotated[Span, BeforeValidator(parse_span)]


class StageSeverity(Strict):
    warning: Severity = "warning"
    overdue: Severity = "critical"
    escalated: Severity = "critical"


class OverdueConfig(Strict):
    # Warn when this share of the time to the deadline has passed (working time for working spans).
    warn_share: float = Field(0.75, gt=0.0, lt=1.0)
    # Escalate when the deadline is this far behind; None turns the stage off.
    escalate_after: SpanField | None = Span(4, "working_hours")
    severity: StageSeverity = StageSeverity()


@register("overdue", OverdueConfig)
class OverdueRule(BaseRule[OverdueConfig]):
    kind = "overdue"
    # «Решено» on an overdue alert means the item was answered outside the system.
    closes_item_on_resolve = True

    def __init__(self, spec: RuleSpec, config: OverdueConfig) -> None:
        super().__init__(spec, config)
        self._cache: dict[tuple[datetime, datetime, str], list[tuple[datetime, StageName]]] = {}

    def _points(self, ctx: Context, item: Item) -> list[tuple[datetime, StageName]]:
        """When each stage begins, in order (computed once per clock: the calendar is slow)."""
        if item.deadline is None or item.clock_start is None or item.span is None:
            return []
        key = (item.clock_start, item.deadline, item.span)
        points = self._cache.get(key)
        if points is None:
            span = parse_span(item.span)
            share = self.config.warn_share
            warn = ctx.policy.share_point(item.clock_start, item.deadline, span, share)
            points = [(warn, "warning"), (item.deadline, "overdue")]
            if self.config.escalate_after is not None:
                later = ctx.policy.later(item.deadline, self.config.escalate_after)
                points.append((later, "escalated"))
            if len(self._cache) >= CACHE:
                self._cache.clear()
            self._cache[key] = points
        return points

    def stage(self, ctx: Context, item: Item, now: datetime) -> StageName | None:
        reached = [name for at, name in self._points(ctx, item) if now >= at]
        return reached[-1] if reached else None

    def _watched(self, item: Item) -> bool:
        return item.needs_response and item.is_open and self.accepts(item.labels())

    def next_due(self, ctx: Context, item: Item, now: datetime) -> datetime | None:
        if not self._watched(item):
            return None
        stage = self.stage(ctx, item, now)
        if stage is not None and stage != item.stage_seen:
            return now  # a stage already reached (a backfilled deadline) is acted on at once
        later = [at for at, _ in self._points(ctx, item) if at > now]
        return min(later) if later else None

    def on_due(self, ctx: Context, item: Item, now: datetime) -> list[Signal]:
        if not self._watched(item):
            return []
        stage = self.stage(ctx, item, now)
        if stage is None:
            return []
        if stage != item.stage_seen or (stage != "warning" and not item.overdue):
            item = item.evolve(overdue=item.overdue or stage != "warning", stage_seen=stage)
            ctx.save_item(item)
        return [self._fire(item, stage)]

    def _fire(self, item: Item, stage: StageName) -> Fire:
        assert item.deadline is not None
        notes = incident_annotations(item) | {
            "deadline": item.deadline.isoformat(),
            "span": item.span or "",
            "stage": stage,
            "clock": item.stage,
        }
        return Fire(
            subject=f"{item.id}#{item.stage}",
            severity=self.severity(getattr(self.config.severity, stage)),
            at=item.deadline,
            labels={**item.labels(), "stage": stage},
            annotations={k: v for k, v in notes.items() if v},
            item_id=item.id,
        )

    def severities(self) -> tuple[Severity, ...]:
        if self.spec.severity:
            return (self.spec.severity,)
        s = self.config.severity
        return tuple(sorted({s.warning, s.overdue, s.escalated}))
