"""Alerts and the events the rules stage publishes on mcu.alerts."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, cast

from alerts.timefmt import iso, opt_dt, opt_iso

Severity = Literal["info", "warning", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "critical")
AlertStatus = Literal["firing", "resolved"]
EventType = Literal["firing", "updated", "resolved", "acknowledged"]


def max_severity(*values: Severity) -> Severity:
    return max(values, key=SEVERITIES.index)


def alert_id(rule: str, subject: str, started_at: datetime, shard: str = "") -> str:
    """Short and deterministic: fits Telegram's 64-byte callback_data, stable on replay.

    `shard` (the state partition) leads the id, so the partition that owns an alert is known
    from its id alone."""
    digest = hashlib.sha1(f"{rule}|{subject}|{iso(started_at)}".encode()).hexdigest()
    return f"{shard}{digest[:12]}"


@dataclass(frozen=True)
class Alert:
    id: str
    rule: str
    kind: str
    subject: str
    status: AlertStatus
    severity: Severity
    started_at: datetime
    updated_at: datetime
    version: int = 1
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    item_id: str | None = None
    members: tuple[str, ...] = ()
    acked_at: datetime | None = None
    acked_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None

    @property
    def firing(self) -> bool:
        return self.status == "firing"

    def evolve(self, **changes: Any) -> Alert:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "kind": self.kind,
            "subject": self.subject,
            "status": self.status,
            "severity": self.severity,
            "started_at": iso(self.started_at),
            "updated_at": iso(self.updated_at),
            "version": self.version,
            "labels": dict(self.labels),
            "annotations": dict(self.annotations),
            "item_id": self.item_id,
            "members": list(self.members),
            "acked_at": opt_iso(self.acked_at),
            "acked_by": self.acked_by,
            "resolved_at": opt_iso(self.resolved_at),
            "resolved_by": self.resolved_by,
            "resolution": self.resolution,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Alert:
        return cls(
            id=str(data["id"]),
            rule=str(data["rule"]),
            kind=str(data["kind"]),
            subject=str(data["subject"]),
            status=cast(AlertStatus, data["status"]),
            severity=cast(Severity, data["severity"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            version=int(data.get("version", 1)),
            labels={str(k): str(v) for k, v in (data.get("labels") or {}).items()},
            annotations={str(k): str(v) for k, v in (data.get("annotations") or {}).items()},
            item_id=data.get("item_id"),
            members=tuple(data.get("members") or ()),
            acked_at=opt_dt(data.get("acked_at")),
            acked_by=data.get("acked_by"),
            resolved_at=opt_dt(data.get("resolved_at")),
            resolved_by=data.get("resolved_by"),
            resolution=data.get("resolution"),
        )


@dataclass(frozen=True)
class AlertEvent:
    """What changed about an alert; the notify stage routes these."""

    type: EventType
    alert: Alert
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "at": iso(self.at), "alert": self.alert.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlertEvent:
        return cls(
            type=cast(EventType, data["type"]),
            alert=Alert.from_dict(data["alert"]),
            at=datetime.fromisoformat(data["at"]),
        )
