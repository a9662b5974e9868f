"""A rendered notification for one address on one channel, with its de-duplication key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from alerts.roster import Channel
from alerts.timefmt import iso

NotificationKind = Literal["firing", "resolved", "escalation"]


def delivery_key(subject_id: str, receiver: str, channel: str, seq: int | str) -> str:
    """(alert or group id, receiver, channel, sequence): the delivery log never sends one twice."""
    return f"{subject_id}|{receiver}|{channel}|{seq}"


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str


@dataclass(frozen=True)
class Notification:
    key: str
    kind: NotificationKind
    channel: Channel
    address: str
    receiver: str
    receiver_name: str
    subject_id: str
    seq: str
    title: str
    text: str
    html: str
    created_at: datetime
    buttons: tuple[tuple[Button, ...], ...] = ()
    alert_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "channel": self.channel,
            "address": self.address,
            "receiver": self.receiver,
            "receiver_name": self.receiver_name,
            "subject_id": self.subject_id,
            "seq": self.seq,
            "title": self.title,
            "text": self.text,
            "html": self.html,
            "created_at": iso(self.created_at),
            "buttons": [[[b.text, b.callback_data] for b in row] for row in self.buttons],
            "alert_ids": list(self.alert_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Notification:
        return cls(
            key=data["key"],
            kind=cast(NotificationKind, data["kind"]),
            channel=cast(Channel, data["channel"]),
            address=str(data["address"]),
            receiver=data["receiver"],
            receiver_name=data.get("receiver_name") or data["receiver"],
            subject_id=data["subject_id"],
            seq=str(data["seq"]),
            title=data["title"],
            text=data["text"],
            html=data["html"],
            created_at=datetime.fromisoformat(data["created_at"]),
            buttons=tuple(tuple(Button(t, c) for t, c in row) for row in data.get("buttons") or ()),
            alert_ids=tuple(data.get("alert_ids") or ()),
        )
