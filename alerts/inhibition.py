"""Inhibit rules: a firing source alert mutes matching targets (a spike mutes its conflicts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from alerts.matchers import Matcher, check_matcher, match_all, parse_matchers
from alerts.model import Alert

MatcherField = Annotated[str, AfterValidator(check_matcher)]


class InhibitRuleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source_matchers: list[MatcherField] = Field(min_length=1)
    target_matchers: list[MatcherField] = Field(min_length=1)
    equal: list[str] = []
    # Extension: only targets whose message is one of the source alert's members.
    source_contains_target: bool = False


@dataclass(frozen=True)
class InhibitRule:
    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...]
    contains: bool

    @classmethod
    def from_config(cls, cfg: InhibitRuleConfig) -> InhibitRule:
        return cls(
            parse_matchers(cfg.source_matchers),
            parse_matchers(cfg.target_matchers),
            tuple(cfg.equal),
            cfg.source_contains_target,
        )

    def inhibits(self, source: Alert, target: Alert) -> bool:
        if source.id == target.id or not source.firing:
            return False
        if not (match_all(self.target, target.labels) and match_all(self.source, source.labels)):
            return False
        if any(source.labels.get(n, "") != target.labels.get(n, "") for n in self.equal):
            return False
        return not self.contains or (
            target.item_id is not None and target.item_id in source.members
        )


class Inhibitor:
    """Source alerts per rule, found once per routing pass; a rule that needs the target among
    the source's members looks it up by member, so a check is O(1) in the number of sources."""

    def __init__(self, rules: Iterable[InhibitRule], firing: Iterable[Alert]) -> None:
        alerts = list(firing)
        self._pairs: list[tuple[InhibitRule, list[Alert], dict[str, list[Alert]]]] = []
        for rule in rules:
            sources = [a for a in alerts if match_all(rule.source, a.labels)]
            by_member: dict[str, list[Alert]] = {}
            if rule.contains:
                for source in sources:
                    for member in source.members:
                        by_member.setdefault(member, []).append(source)
            self._pairs.append((rule, sources, by_member))

    def inhibited(self, target: Alert) -> bool:
        for rule, sources, by_member in self._pairs:
            if not sources or not match_all(rule.target, target.labels):
                continue
            if rule.contains:
                sources = by_member.get(target.item_id or "", [])
            if any(rule.inhibits(source, target) for source in sources):
                return True
        return False


def is_inhibited(target: Alert, firing: Iterable[Alert], rules: Iterable[InhibitRule]) -> bool:
    return Inhibitor(rules, firing).inhibited(target)
