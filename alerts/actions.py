"""Acknowledge / resolve actions from Telegram buttons and the HTTP API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from alerts.timefmt import iso

ActionKind = Literal["ack", "resolve"]
_CODES: dict[ActionKind, str] = {"ack": "ack", "resolve": "res"}
_KINDS: dict[str, ActionKind] = {code: kind for kind, code in _CODES.items()}


@dataclass(frozen=True)
class Action:
    alert_id: str
    action: ActionKind
    by: str
    at: datetime
    source: str = "api"
    # Where the button was pressed, so the host can edit that message.
    chat_id: int | None = None
    message_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "action": self.action,
            "by": self.by,
            "at": iso(self.at),
            "source": self.source,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        return cls(
            alert_id=str(data["alert_id"]),
            action=cast(ActionKind, data["action"]),
            by=str(data["by"]),
            at=datetime.fromisoformat(data["at"]),
            source=str(data.get("source") or "api"),
            chat_id=data.get("chat_id"),
            message_id=data.get("message_id"),
        )


def callback_data(action: ActionKind, alert_id: str) -> str:
    """Telegram callback_data, at most 64 bytes: 'ack:<12 hex>' / 'res:<12 hex>'."""
    return f"{_CODES[action]}:{alert_id}"


def parse_callback(data: str) -> tuple[ActionKind, str] | None:
    code, _, alert_id = data.partition(":")
    if code not in _KINDS or not alert_id:
        return None
    return _KINDS[code], alert_id
