"""conflict: a citizen message the NLP marked as a conflict, or a toxic one."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from alerts.items import Item
from alerts.message import Message
from alerts.model import Severity, max_severity
from alerts.rules.base import (
    EXCERPT,
    BaseRule,
    Context,
    Fire,
    Signal,
    Strict,
    grown,
    incident_annotations,
    message_labels,
)
from alerts.rules.base import (
    incident_labels as _incident_labels,
)
from alerts.rules.registry import register

_REASON_SEVERITY: dict[str, Severity] = {
    "aggression": "critical",
    "collective_action": "critical",
    "accusation": "warning",
    "outrage": "warning",
    "repeated": "warning",
    "rude_reply": "warning",
}


class ConflictConfig(Strict):
    # Toxicity alone raises an alert at or above this.
    min_toxicity: float = Field(0.8, ge=0.0, le=1.0)
    severity_by_reason: dict[str, Severity] = _REASON_SEVERITY
    toxic_severity: Severity = "critical"
    # For reasons not in the table, and for conflict without reasons.
    default_severity: Severity = "warning"
    include_official: bool = False


@register("conflict", ConflictConfig)
class ConflictRule(BaseRule[ConflictConfig]):
    kind = "conflict"

    def on_message(
        self, ctx: Context, msg: Message, incident: Item | None, now: datetime
    ) -> list[Signal]:
        cfg = self.config
        if incident is None or (msg.is_official and not cfg.include_official):
            return []
        toxic = msg.toxicity >= cfg.min_toxicity
        if not (msg.conflict or toxic):
            return []
        levels: list[Severity] = [
            cfg.severity_by_reason.get(r, cfg.default_severity) for r in msg.conflict_reasons
        ]
        if toxic:
            levels.append(cfg.toxic_severity)
        active = ctx.active(self.name, incident.id)
        if active is not None:
            levels.append(active.severity)
        severity = self.severity(max_severity(*(levels or [cfg.default_severity])))
        count = max(incident.conflicts, 1)
        if (
            active is not None
            and active.severity == severity
            and not grown(active, "conflicts", count)
        ):
            return []
        reasons = set(msg.conflict_reasons) | ({"toxic"} if toxic else set())
        if active is not None:
            reasons |= {r for r in active.annotations.get("reasons", "").split(",") if r}
        notes = incident_annotations(incident) | {
            "reasons": ",".join(sorted(reasons)),
            "toxicity": f"{max(msg.toxicity, incident.toxicity):.2f}",
            "conflicts": str(count),
            "text": msg.text[:EXCERPT],
            "message_id": msg.id,
            "url": msg.url or incident.url or "",
        }
        return [
            Fire(
                subject=incident.id,
                severity=severity,
                at=incident.created_at,
                labels={**message_labels(msg), **_incident_labels(incident)},
                annotations={k: v for k, v in notes.items() if v},
                item_id=incident.id,
                once=True,
                last_at=msg.created_at,
            )
        ]

    def severities(self) -> tuple[Severity, ...]:
        if self.spec.severity:
            return (self.spec.severity,)
        found = {*self.config.severity_by_reason.values(), self.config.toxic_severity}
        found.add(self.config.default_severity)
        return tuple(sorted(found))
