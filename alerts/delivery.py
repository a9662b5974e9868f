"""The delivery log: (alert or group id, receiver, channel, sequence) -> pending / sent / dead.

Backed by any MutableMapping (a faust table in the worker): a restarted worker re-sends what is
pending and never what is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from alerts.notification import Notification
from alerts.timefmt import iso, opt_dt, opt_iso

DeliveryStatus = Literal["pending", "sent", "dead"]


@dataclass(frozen=True)
class Backoff:
    """Exponential retry delays: initial, ×factor each attempt, capped; `max_attempts` then dead."""

    initial: timedelta = timedelta(seconds=5)
    factor: float = 2.0
    cap: timedelta = timedelta(minutes=10)
    max_attempts: int | None = None

    def delay(self, attempts: int) -> timedelta:
        seconds = self.initial.total_seconds() * self.factor ** max(attempts - 1, 0)
        return min(timedelta(seconds=seconds), self.cap)


@dataclass(frozen=True)
class DeliveryRecord:
    key: str
    notification: Notification
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None = None
    ref: str | None = None
    last_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "notification": self.notification.to_dict(),
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": opt_iso(self.next_attempt_at),
            "created_at": iso(self.created_at),
            "sent_at": opt_iso(self.sent_at),
            "ref": self.ref,
            "last_error": self.last_error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeliveryRecord:
        return cls(
            key=data["key"],
            notification=Notification.from_dict(data["notification"]),
            status=cast(DeliveryStatus, data["status"]),
            attempts=int(data["attempts"]),
            next_attempt_at=opt_dt(data.get("next_attempt_at")),
            created_at=datetime.fromisoformat(data["created_at"]),
            sent_at=opt_dt(data.get("sent_at")),
            ref=data.get("ref"),
            last_error=data.get("last_error"),
        )


class DeliveryLog:
    """Pure bookkeeping; notifiers/dispatch.py does the I/O."""

    def __init__(
        self,
        table: MutableMapping[str, Any] | None = None,
        backoff: Backoff | None = None,
        pending: MutableMapping[str, Any] | None = None,
    ) -> None:
        self.table: MutableMapping[str, Any] = table if table is not None else {}
        self.backoff = backoff or Backoff()
        # key -> next attempt: what a delivery round reads, so it never scans the whole log.
        self.pending: MutableMapping[str, Any] = pending if pending is not None else {}

    def get(self, key: str) -> DeliveryRecord | None:
        data = self.table.get(key)
        return DeliveryRecord.from_dict(data) if data is not None else None

    def enqueue(self, notification: Notification, now: datetime) -> bool:
        """Adds a notification unless its key is known; False means it was seen before."""
        if notification.key in self.table:
            return False
        record = DeliveryRecord(notification.key, notification, "pending", 0, now, now)
        self.table[notification.key] = record.to_dict()
        self.pending[notification.key] = iso(now)
        return True

    def enqueue_all(self, notifications: Iterable[Notification], now: datetime) -> int:
        return sum(self.enqueue(n, now) for n in notifications)

    def due(self, now: datetime) -> list[Notification]:
        keys = [k for k, at in list(self.pending.items()) if datetime.fromisoformat(at) <= now]
        records = [r for r in (self.get(k) for k in keys) if r is not None]
        ready = [r for r in records if r.status == "pending"]
        for key in {*keys} - {r.key for r in ready}:
            self.pending.pop(key, None)
        return [r.notification for r in sorted(ready, key=lambda r: r.created_at)]

    def mark_sent(self, key: str, now: datetime, ref: str | None = None) -> None:
        record = self._record(key)
        self._put(
            DeliveryRecord(
                key,
                record.notification,
                "sent",
                record.attempts + 1,
                None,
                record.created_at,
                now,
                ref,
            )
        )

    def mark_failed(
        self,
        key: str,
        now: datetime,
        error: str,
        permanent: bool = False,
        retry_after: timedelta | None = None,
    ) -> DeliveryRecord:
        """Schedules a retry with backoff; a permanent error or too many attempts make it dead."""
        record = self._record(key)
        attempts = record.attempts + 1
        limit = self.backoff.max_attempts
        dead = permanent or (limit is not None and attempts >= limit)
        delay = max(self.backoff.delay(attempts), retry_after or timedelta(0))
        updated = DeliveryRecord(
            key,
            record.notification,
            "dead" if dead else "pending",
            attempts,
            None if dead else now + delay,
            record.created_at,
            last_error=error[:500],
        )
        self._put(updated)
        return updated

    def is_sent(self, key: str) -> bool:
        record = self.get(key)
        return record is not None and record.status == "sent"

    def ref_of(self, key: str) -> str | None:
        record = self.get(key)
        return record.ref if record is not None else None

    def records(self) -> list[DeliveryRecord]:
        return [DeliveryRecord.from_dict(d) for d in list(self.table.values())]

    def prune(self, now: datetime, keep: timedelta = timedelta(days=30)) -> int:
        """Forgets sent and dead records older than `keep`; pending ones stay."""
        removed = 0
        for key, data in list(self.table.items()):
            record = DeliveryRecord.from_dict(data)
            if record.status != "pending" and record.created_at < now - keep:
                del self.table[key]
                removed += 1
        return removed

    def _record(self, key: str) -> DeliveryRecord:
        record = self.get(key)
        if record is None:
            raise KeyError(f"no delivery record {key!r}")
        return record

    def _put(self, record: DeliveryRecord) -> None:
        self.table[record.key] = record.to_dict()
        if record.status == "pending":
            self.pending[record.key] = iso(record.next_attempt_at or record.created_at)
        else:
            self.pending.pop(record.key, None)
