"""The audit trail of what people did to alerts: who, when, what (152-ФЗ: acts on personal data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from alerts.actions import Action
from alerts.silences import Silence
from alerts.timefmt import iso

AuditAction = Literal["ack", "resolve", "silence", "expire_silence"]
ACTION_RU: dict[str, str] = {
    "ack": "взял в работу",
    "resolve": "закрыл",
    "silence": "включил тишину",
    "expire_silence": "снял тишину",
}


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    # A roster person id, or "api-token" for the shared token.
    actor: str
    action: AuditAction
    # The alert or silence acted on.
    target: str
    source: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "source": self.source,
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditEntry:
        return cls(
            at=datetime.fromisoformat(str(data["at"])),
            actor=str(data["actor"]),
            action=cast(AuditAction, data["action"]),
            target=str(data["target"]),
            source=str(data.get("source") or ""),
            details=dict(data.get("details") or {}),
        )

    def describe(self, display_name: Any = str) -> str:
        """One Russian line for `mcu audit`."""
        what = ACTION_RU.get(self.action, self.action)
        noun = "тишину" if "silence" in self.action else "оповещение"
        return f"{display_name(self.actor)} {what}: {noun} {self.target} ({self.source})"


def for_action(action: Action) -> AuditEntry:
    details: dict[str, Any] = {}
    if action.chat_id is not None:
        details["chat_id"] = action.chat_id
    return AuditEntry(action.at, action.by, action.action, action.alert_id, action.source, details)


def for_silence(silence: Silence, actor: str, at: datetime, source: str = "api") -> AuditEntry:
    details = {
        "matchers": [str(m) for m in silence.matchers],
        "ends_at": iso(silence.ends_at),
        "comment": silence.comment,
    }
    return AuditEntry(at, actor, "silence", silence.id, source, details)
