"""repeat_complaint: the same author complains again about the same problem."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from alerts.durations import parse_duration
from alerts.message import Message
from alerts.model import Severity
from alerts.rules.base import (
    BaseRule,
    Context,
    Fire,
    Signal,
    Strict,
    message_annotations,
    message_labels,
)
from alerts.rules.registry import register

Dimension = Literal["category", "address", "thread"]
DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]


class RepeatComplaintConfig(Strict):
    # Same problem when any of these is equal (category "other" never counts).
    same_by: list[Dimension] = Field(["address", "thread", "category"], min_length=1)
    lookback: DurationField = timedelta(days=30)
    # Earlier complaints needed before the alert fires.
    min_previous: int = Field(1, ge=1)
    include_questions: bool = False


@register("repeat_complaint", RepeatComplaintConfig)
class RepeatComplaintRule(BaseRule[RepeatComplaintConfig]):
    kind = "repeat_complaint"

    def _entry(self, msg: Message) -> dict[str, Any]:
        return {
            "id": msg.id,
            "at": msg.created_at.isoformat(),
            "category": msg.category if msg.category != "other" else None,
            "addresses": list(msg.addresses),
            "thread": msg.thread_id,
        }

    def _same(self, a: dict[str, Any], b: dict[str, Any]) -> bool:
        for dim in self.config.same_by:
            if dim == "address" and set(a["addresses"]) & set(b["addresses"]):
                return True
            if dim == "category" and a["category"] and a["category"] == b["category"]:
                return True
            if dim == "thread" and a["thread"] == b["thread"]:
                return True
        return False

    def on_message(self, ctx: Context, msg: Message, now: datetime) -> list[Signal]:
        wanted = msg.is_complaint or (self.config.include_questions and msg.is_question)
        if msg.is_official or not wanted or not msg.author_id:
            return []
        authors = ctx.table("authors")
        key = f"{self.name}|{msg.author_id}"
        history: list[dict[str, Any]] = list(authors.get(key) or [])
        if any(h["id"] == msg.id for h in history):
            return []
        since = msg.created_at - self.config.lookback
        history = [h for h in history if datetime.fromisoformat(h["at"]) >= since]
        entry = self._entry(msg)
        previous = [
            h
            for h in history
            if self._same(h, entry) and datetime.fromisoformat(h["at"]) <= msg.created_at
        ]
        authors[key] = [*history, entry]
        if len(previous) < self.config.min_previous:
            return []
        notes = message_annotations(msg) | {
            "previous": ",".join(h["id"] for h in previous),
            "previous_count": str(len(previous)),
            "first_at": min(h["at"] for h in previous),
        }
        return [
            Fire(
                subject=msg.id,
                severity=self.severity("warning"),
                at=msg.created_at,
                labels=message_labels(msg),
                annotations=notes,
                item_id=msg.id,
                once=True,
            )
        ]

    def on_tick(self, ctx: Context, now: datetime) -> list[Signal]:
        authors = ctx.table("authors")
        prefix = f"{self.name}|"
        since = now - self.config.lookback
        for key, history in list(authors.items()):
            if key.startswith(prefix):
                kept = [h for h in history if datetime.fromisoformat(h["at"]) >= since]
                if not kept:
                    del authors[key]
                elif len(kept) != len(history):
                    authors[key] = kept
        return []

    def severities(self) -> tuple[Severity, ...]:
        return (self.spec.severity or "warning",)
