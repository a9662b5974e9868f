"""overdue: an item without an official reply near, at and after its deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from alerts.durations import Span, parse_span
from alerts.items import Item
from alerts.model import Severity
from alerts.rules.base import BaseRule, Context, Fire, Signal, Strict, message_annotations
from alerts.rules.registry import register

StageName = Literal["warning", "overdue", "escalated"]
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

    def stage(self, ctx: Context, item: Item, now: datetime) -> StageName | None:
        if item.deadline is None or item.clock_start is None or item.span is None:
            return None
        escalate = self.config.escalate_after
        if escalate is not None and now >= ctx.policy.later(item.deadline, escalate):
            return "escalated"
        if now >= item.deadline:
            return "overdue"
        span = parse_span(item.span)
        warn = ctx.policy.share_point(item.clock_start, item.deadline, span, self.config.warn_share)
        return "warning" if now >= warn else None

    def on_tick(self, ctx: Context, now: datetime) -> list[Signal]:
        signals: list[Signal] = []
        for item in ctx.iter_items():
            if not (item.needs_response and item.is_open) or not self.accepts(item.labels()):
                continue
            stage = self.stage(ctx, item, now)
            if stage is None:
                continue
            if stage != "warning" and not item.overdue:
                item = item.evolve(overdue=True, updated_at=now)
                ctx.save_item(item)
            signals.append(self._fire(item, stage))
        return signals

    def _fire(self, item: Item, stage: StageName) -> Fire:
        assert item.deadline is not None
        notes = message_annotations(item) | {
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
