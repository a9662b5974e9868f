"""Response deadlines: which span applies to an item, and when it falls due in working time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from alerts.calendar import WorkingTime
from alerts.durations import Span, parse_span
from alerts.matchers import Matcher, check_matcher, match_all, parse_matchers

SpanField = Annotated[Span, BeforeValidator(parse_span)]
MatcherField = Annotated[str, AfterValidator(check_matcher)]


class DeadlineRuleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    matchers: list[MatcherField] = []
    # Time for the first official reaction (an interim or a full answer).
    first_reaction: SpanField
    # Time for the final answer after an interim one; None means an interim reply closes the clock.
    final_answer: SpanField | None = None


# First match wins; alerts/examples/rules.yaml overrides these with per-category ПОС terms.
DEFAULT_DEADLINES: list[dict[str, object]] = [
    {
        "name": "appeal-59fz",
        "matchers": ['kind="appeal"', 'source!="pos"'],
        "first_reaction": "30d",
    },
    {"name": "pos", "matchers": ['source="pos"'], "first_reaction": "10wd"},
    {
        "name": "social-high",
        "matchers": ['source=~"vk|telegram|ok"', 'priority="high"'],
        "first_reaction": "4wh",
        "final_answer": "7wd",
    },
    {
        "name": "social",
        "matchers": ['source=~"vk|telegram|ok"'],
        "first_reaction": "8wh",
        "final_answer": "7wd",
    },
    {"name": "default", "first_reaction": "8wh", "final_answer": "7wd"},
]


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    matchers: tuple[Matcher, ...]
    first_reaction: Span
    final_answer: Span | None

    @classmethod
    def from_config(cls, cfg: DeadlineRuleConfig) -> DeadlineRule:
        return cls(cfg.name, parse_matchers(cfg.matchers), cfg.first_reaction, cfg.final_answer)


class DeadlinePolicy:
    def __init__(self, rules: Sequence[DeadlineRule], wt: WorkingTime) -> None:
        self.rules = tuple(rules)
        self.wt = wt

    def rule_for(self, labels: Mapping[str, str]) -> DeadlineRule | None:
        return next((r for r in self.rules if match_all(r.matchers, labels)), None)

    def rule_named(self, name: str | None) -> DeadlineRule | None:
        return next((r for r in self.rules if r.name == name), None)

    def due(self, start: datetime, span: Span) -> datetime:
        """When a span that starts at `start` runs out."""
        if span.unit == "working_hours":
            return self.wt.add_hours(start, span.amount)
        if span.unit == "working_days":
            return self.wt.add_working_days(start, int(span.amount))
        if span.unit == "days":
            return self.wt.add_calendar_days(start, int(span.amount))
        return start + timedelta(hours=span.amount)

    def share_point(
        self, start: datetime, deadline: datetime, span: Span, share: float
    ) -> datetime:
        """When `share` of the time to the deadline has passed (working time for working spans)."""
        if span.is_working:
            return self.wt.add(start, self.wt.between(start, deadline) * share)
        return start + (deadline - start) * share

    def later(self, moment: datetime, span: Span) -> datetime:
        """`span` after `moment`, counted like a deadline (escalation after the deadline)."""
        return self.due(moment, span)
