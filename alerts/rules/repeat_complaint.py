"""repeat_complaint: an author complains again about the same problem (the same incident)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from alerts.items import Item
from alerts.message import Message
from alerts.model import Severity
from alerts.rules.base import (
    EXCERPT,
    BaseRule,
    Context,
    Fire,
    Signal,
    Strict,
    grown,
    incident_annotations,
    incident_labels,
)
from alerts.rules.registry import register


class RepeatComplaintConfig(Strict):
    # Earlier complaints of the same author in the incident before the alert fires.
    min_previous: int = Field(1, ge=1)
    include_questions: bool = False


@register("repeat_complaint", RepeatComplaintConfig)
class RepeatComplaintRule(BaseRule[RepeatComplaintConfig]):
    kind = "repeat_complaint"

    def on_message(
        self, ctx: Context, msg: Message, incident: Item | None, now: datetime
    ) -> list[Signal]:
        wanted = msg.is_complaint or (self.config.include_questions and msg.is_question)
        if incident is None or msg.is_official or not wanted or not msg.author_id:
            return []
        # The engine has counted this message already.
        previous = incident.complainers.get(msg.author_id, 0) - 1
        if previous < self.config.min_previous:
            return []
        active = ctx.active(self.name, incident.id)
        if not grown(active, "repeats", incident.repeats):
            return []
        notes = incident_annotations(incident) | {
            "previous_count": str(previous),
            "repeats": str(incident.repeats),
            "first_at": incident.created_at.isoformat(),
            "text": msg.text[:EXCERPT],
            "message_id": msg.id,
            "url": msg.url or incident.url or "",
            "author": msg.author_name or msg.author_id,
        }
        return [
            Fire(
                subject=incident.id,
                severity=self.severity("warning"),
                at=incident.created_at,
                labels=incident_labels(incident),
                annotations={k: v for k, v in notes.items() if v},
                item_id=incident.id,
                once=True,
                last_at=msg.created_at,
            )
        ]

    def severities(self) -> tuple[Severity, ...]:
        return (self.spec.severity or "warning",)
