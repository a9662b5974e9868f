"""spike: at least N messages about one problem (category, address, thread) inside a window."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from alerts.durations import parse_duration
from alerts.message import Message
from alerts.model import Alert, Severity
from alerts.rules.base import BaseRule, Context, Fire, Resolve, Signal, Strict
from alerts.rules.registry import register

Dimension = Literal["category", "address", "thread"]
DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]


class SpikeConfig(Strict):
    # Messages are one problem when all these are equal (a message may have several addresses).
    problem_by: list[Dimension] = Field(["category"], min_length=1)
    threshold: int = Field(5, ge=2)
    window: DurationField = timedelta(hours=2)
    # From this many messages on the alert becomes critical.
    critical_at: int | None = Field(None, ge=2)
    exclude_categories: list[str] = Field(default_factory=lambda: ["other"])
    # Only negative messages, or complaints, usually; empty means every message.
    sentiments: list[str] = Field(default_factory=lambda: ["negative"])


@register("spike", SpikeConfig)
class SpikeRule(BaseRule[SpikeConfig]):
    kind = "spike"
    resolve_on = frozenset()

    def _problems(self, msg: Message) -> list[dict[str, str]]:
        values: dict[str, list[str]] = {
            "category": [msg.category] if msg.category else [],
            "address": list(msg.addresses),
            "thread": [msg.thread_id],
        }
        axes = [[(dim, v) for v in values[dim]] for dim in self.config.problem_by]
        return [dict(combo) for combo in itertools.product(*axes)]

    def _key(self, problem: dict[str, str]) -> str:
        return "|".join(f"{k}={v}" for k, v in problem.items())

    def on_message(self, ctx: Context, msg: Message, now: datetime) -> list[Signal]:
        cfg = self.config
        if msg.is_official or msg.category in cfg.exclude_categories:
            return []
        if cfg.sentiments and msg.sentiment not in cfg.sentiments:
            return []
        windows = ctx.table("windows")
        signals: list[Signal] = []
        for problem in self._problems(msg):
            subject = self._key(problem)
            key = f"{self.name}|{subject}"
            members: list[list[str]] = list((windows.get(key) or {}).get("members", []))
            if any(m[0] == msg.id for m in members):
                continue
            members.append([msg.id, msg.created_at.isoformat()])
            newest = max(datetime.fromisoformat(m[1]) for m in members)
            members = [m for m in members if datetime.fromisoformat(m[1]) > newest - cfg.window]
            members.sort(key=lambda m: m[1])
            windows[key] = {"members": members, "problem": problem, "last_text": msg.text[:500]}
            if len(members) >= cfg.threshold:
                signals.append(self._fire(subject, problem, members, msg))
        return signals

    def _fire(
        self, subject: str, problem: dict[str, str], members: list[list[str]], msg: Message
    ) -> Fire:
        count = len(members)
        critical = self.config.critical_at is not None and count >= self.config.critical_at
        labels = {"problem": subject, **problem}
        labels.setdefault("category", msg.category or "")
        if msg.department:
            labels["department"] = msg.department
        labels = {k: v for k, v in labels.items() if v}
        notes = {
            "count": str(count),
            "window": str(int(self.config.window.total_seconds())),
            "first_at": members[0][1],
            "last_at": members[-1][1],
            "text": msg.text[:1000],
            "message_id": msg.id,
            "url": msg.url or "",
        }
        return Fire(
            subject=subject,
            severity=self.severity("critical" if critical else "warning"),
            at=datetime.fromisoformat(members[0][1]),
            labels=labels,
            annotations={k: v for k, v in notes.items() if v},
            members=tuple(m[0] for m in members),
        )

    def on_tick(self, ctx: Context, now: datetime) -> list[Signal]:
        windows = ctx.table("windows")
        prefix = f"{self.name}|"
        signals: list[Signal] = []
        for key, value in list(windows.items()):
            if not key.startswith(prefix):
                continue
            members = [
                m
                for m in value["members"]
                if datetime.fromisoformat(m[1]) > now - self.config.window
            ]
            subject = key[len(prefix) :]
            if len(members) < self.config.threshold and ctx.active(self.name, subject):
                signals.append(Resolve(subject, "spike_over"))
            if members:
                if len(members) != len(value["members"]):
                    windows[key] = {**value, "members": members}
            else:
                del windows[key]
        return signals

    def on_resolved(self, ctx: Context, alert: Alert, now: datetime) -> None:
        # After an operator closes the spike, it takes N new messages to raise it again.
        ctx.table("windows").pop(f"{self.name}|{alert.subject}", None)

    def severities(self) -> tuple[Severity, ...]:
        return (self.spec.severity,) if self.spec.severity else ("warning", "critical")
