"""spike: at least N messages about one problem (incident, category, address) in a window."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from alerts.durations import parse_duration
from alerts.items import Item
from alerts.message import Message
from alerts.model import Alert, Severity
from alerts.rules.base import BaseRule, Context, Fire, Resolve, Signal, Strict, grown
from alerts.rules.registry import register

Dimension = Literal["incident", "category", "address", "thread"]
DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]
# Messages are counted per minute: a window's state stays small however hot the problem is.
BUCKET = 60
MAX_MEMBERS = 50


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


def _minute(moment: datetime) -> int:
    return int(moment.timestamp()) // BUCKET


@register("spike", SpikeConfig)
class SpikeRule(BaseRule[SpikeConfig]):
    kind = "spike"
    resolve_on = frozenset()

    def _problems(self, msg: Message, incident: Item) -> list[dict[str, str]]:
        values: dict[str, list[str]] = {
            "incident": [incident.id],
            "category": [msg.category] if msg.category else [],
            "address": list(msg.addresses),
            "thread": [msg.thread_id],
        }
        axes = [[(dim, v) for v in values[dim]] for dim in self.config.problem_by]
        return [dict(combo) for combo in itertools.product(*axes)]

    def _key(self, problem: dict[str, str]) -> str:
        return "|".join(f"{k}={v}" for k, v in problem.items())

    def _count(self, window: dict[str, Any], newest: int) -> tuple[dict[str, int], int]:
        first = newest - int(self.config.window.total_seconds()) // BUCKET
        kept = {m: n for m, n in window["minutes"].items() if int(m) > first}
        return kept, sum(kept.values())

    def on_message(
        self, ctx: Context, msg: Message, incident: Item | None, now: datetime
    ) -> list[Signal]:
        cfg = self.config
        if incident is None or msg.is_official or msg.category in cfg.exclude_categories:
            return []
        if cfg.sentiments and msg.sentiment not in cfg.sentiments:
            return []
        windows = ctx.table("windows")
        signals: list[Signal] = []
        at = msg.created_at.isoformat()
        for problem in self._problems(msg, incident):
            subject = self._key(problem)
            key = f"{self.name}|{subject}"
            known = windows.get(key)
            window: dict[str, Any] = dict(
                known or {"minutes": {}, "incidents": {}, "first_at": at, "last_at": at}
            )
            minutes = dict(window["minutes"])
            slot = str(_minute(msg.created_at))
            minutes[slot] = minutes.get(slot, 0) + 1
            window["minutes"] = minutes
            newest = max(int(m) for m in minutes)
            window["minutes"], count = self._count(window, newest)
            members = dict(window["incidents"])
            members[incident.id] = members.get(incident.id, 0) + 1
            if len(members) > MAX_MEMBERS:
                members = dict(sorted(members.items(), key=lambda kv: -kv[1])[:MAX_MEMBERS])
            window.update(
                incidents=members,
                problem=problem,
                last_text=msg.text[:500],
                last_id=msg.id,
                url=msg.url or "",
                first_at=min(window["first_at"], at),
                last_at=max(window["last_at"], at),
                category=msg.category or "",
                department=msg.department or "",
            )
            windows[key] = window
            if known is None:
                # One wake-up per window length: on_wake prunes and sets the next one.
                oldest = min(int(m) for m in window["minutes"])
                expires = datetime.fromtimestamp(oldest * BUCKET, UTC) + cfg.window
                ctx.schedule(f"r|{self.name}|{subject}", expires + timedelta(seconds=BUCKET))
            if count >= cfg.threshold:
                fire = self._fire(ctx, subject, window, count)
                if fire is not None:
                    signals.append(fire)
        return signals

    def _fire(self, ctx: Context, subject: str, window: dict[str, Any], count: int) -> Fire | None:
        critical = self.config.critical_at is not None and count >= self.config.critical_at
        severity = self.severity("critical" if critical else "warning")
        active = ctx.active(self.name, subject)
        if active is not None and active.severity == severity and not grown(active, "count", count):
            return None
        problem: dict[str, str] = window["problem"]
        labels = {"problem": subject, **problem}
        labels.pop("incident", None)
        labels.setdefault("category", window["category"])
        if window["department"]:
            labels["department"] = window["department"]
        labels = {k: v for k, v in labels.items() if v}
        members = sorted(window["incidents"], key=lambda i: -window["incidents"][i])
        notes = {
            "count": str(count),
            "window": str(int(self.config.window.total_seconds())),
            "first_at": window["first_at"],
            "last_at": window["last_at"],
            "text": window["last_text"][:1000],
            "message_id": window["last_id"],
            "url": window["url"],
            "incident_id": members[0],
            "incidents": str(len(members)),
        }
        return Fire(
            subject=subject,
            severity=severity,
            at=datetime.fromisoformat(window["first_at"]),
            labels=labels,
            annotations={k: v for k, v in notes.items() if v},
            item_id=members[0],
            members=tuple(members),
        )

    def on_wake(self, ctx: Context, key: str, now: datetime) -> list[Signal]:
        windows = ctx.table("windows")
        value = windows.get(f"{self.name}|{key}")
        if value is None:
            return []
        minutes, count = self._count(dict(value), _minute(now))
        signals: list[Signal] = []
        if count < self.config.threshold and ctx.active(self.name, key):
            signals.append(Resolve(key, "spike_over"))
        if not minutes:
            del windows[f"{self.name}|{key}"]
            return signals
        if len(minutes) != len(value["minutes"]):
            windows[f"{self.name}|{key}"] = {**value, "minutes": minutes}
        oldest = min(int(m) for m in minutes)
        expires = datetime.fromtimestamp(oldest * BUCKET, UTC) + self.config.window
        ctx.schedule(f"r|{self.name}|{key}", expires + timedelta(seconds=BUCKET))
        return signals

    def on_resolved(self, ctx: Context, alert: Alert, now: datetime) -> None:
        # After an operator closes the spike, it takes N new messages to raise it again.
        ctx.table("windows").pop(f"{self.name}|{alert.subject}", None)

    def severities(self) -> tuple[Severity, ...]:
        return (self.spec.severity,) if self.spec.severity else ("warning", "critical")
