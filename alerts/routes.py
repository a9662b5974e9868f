"""The route tree: matchers on labels pick receivers and grouping, as in Alertmanager."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from alerts.durations import parse_duration
from alerts.matchers import Matcher, check_matcher, match_all, parse_matchers
from alerts.roster import Channel

DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]
MatcherField = Annotated[str, AfterValidator(check_matcher)]
GROUP_ALL = "..."
T = TypeVar("T")


class RouteConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    receiver: str | None = None
    matchers: list[MatcherField] = []
    group_by: list[str] | None = None
    group_wait: DurationField | None = None
    group_interval: DurationField | None = None
    repeat_interval: DurationField | None = None
    continue_: bool = Field(False, alias="continue")
    mute_time_intervals: list[str] = []
    active_time_intervals: list[str] = []
    escalation: str | None = None
    channels: list[Channel] | None = None
    send_resolved: bool | None = None
    routes: list[RouteConfig] = []


@dataclass(frozen=True)
class Route:
    id: str
    receiver: str
    matchers: tuple[Matcher, ...]
    group_by: tuple[str, ...]
    group_wait: timedelta
    group_interval: timedelta
    repeat_interval: timedelta
    continue_: bool
    mute_time_intervals: tuple[str, ...]
    active_time_intervals: tuple[str, ...]
    escalation: str | None
    channels: tuple[Channel, ...] | None
    send_resolved: bool
    children: tuple[Route, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return match_all(self.matchers, labels)

    def walk(self) -> list[Route]:
        result = [self]
        for child in self.children:
            result.extend(child.walk())
        return result

    def group(self, labels: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        """The aggregation group of an alert under this route: (key, grouping labels)."""
        if GROUP_ALL in self.group_by:
            chosen = dict(sorted(labels.items()))
        else:
            chosen = {name: labels.get(name, "") for name in self.group_by}
        body = ",".join(f'{k}="{v}"' for k, v in chosen.items())
        return f"{self.id}:{{{body}}}", chosen


def group_id(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def _pick(own: T | None, inherited: T | None, default: T) -> T:
    if own is not None:
        return own
    return inherited if inherited is not None else default


def build_route(cfg: RouteConfig, parent: Route | None = None, path: str = "root") -> Route:
    """Children inherit receiver, grouping, timers, escalation, channels; time intervals do not."""

    receiver = _pick(cfg.receiver, parent.receiver if parent else None, "")
    route = Route(
        id=path,
        receiver=receiver,
        matchers=parse_matchers(cfg.matchers),
        group_by=tuple(_pick(cfg.group_by, list(parent.group_by) if parent else None, ["rule"])),
        group_wait=_pick(
            cfg.group_wait, parent.group_wait if parent else None, timedelta(seconds=30)
        ),
        group_interval=_pick(
            cfg.group_interval, parent.group_interval if parent else None, timedelta(minutes=5)
        ),
        repeat_interval=_pick(
            cfg.repeat_interval, parent.repeat_interval if parent else None, timedelta(hours=4)
        ),
        continue_=cfg.continue_,
        mute_time_intervals=tuple(cfg.mute_time_intervals),
        active_time_intervals=tuple(cfg.active_time_intervals),
        escalation=cfg.escalation
        if cfg.escalation is not None
        else (parent.escalation if parent else None),
        channels=tuple(cfg.channels)
        if cfg.channels is not None
        else (parent.channels if parent else None),
        send_resolved=_pick(cfg.send_resolved, parent.send_resolved if parent else None, True),
    )
    children = tuple(build_route(c, route, f"{path}.{i}") for i, c in enumerate(cfg.routes))
    return replace(route, children=children)


def match_routes(route: Route, labels: Mapping[str, str]) -> list[Route]:
    """Depth-first: the deepest matching routes; `continue` lets siblings match too."""
    found: list[Route] = []
    for child in route.children:
        if child.matches(labels):
            found.extend(match_routes(child, labels))
            if not child.continue_:
                break
    return found or [route]
