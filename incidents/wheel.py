"""A timer wheel in a mapping: entries due at a time, found in O(due) by time bucket.

The mapping is any MutableMapping (a faust table in the worker), so the schedule survives a
restart with the state it belongs to. Entries are opaque strings; a stale entry (its owner
moved its wake-up) is harmless: the owner checks its own time when woken.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

BUCKET_SECONDS = 5
CURSOR = "w|cursor"


def _bucket(moment: datetime) -> int:
    return int(moment.timestamp()) // BUCKET_SECONDS


class Wheel:
    def __init__(self, table: MutableMapping[str, Any]) -> None:
        self.table = table

    def _cursor(self) -> int | None:
        value = self.table.get(CURSOR)
        return int(value) if value is not None else None

    def schedule(self, entry: str, at: datetime, now: datetime) -> None:
        """Wakes `entry` at `at`; a time already passed wakes it on the next pass."""
        cursor = self._cursor()
        if cursor is None:
            cursor = _bucket(now) - 1
            self.table[CURSOR] = cursor
        bucket = max(_bucket(at), cursor + 1)
        stamp = at.timestamp()
        if bucket != _bucket(at):
            stamp = max(stamp, bucket * BUCKET_SECONDS) if at > now else stamp
        key = f"w|{bucket}"
        entries: dict[str, float] = dict(self.table.get(key) or {})
        if entries.get(entry) == stamp:
            return
        entries[entry] = min(stamp, entries.get(entry, stamp))
        self.table[key] = entries

    def pop_due(self, now: datetime, limit: int = 10_000) -> list[str]:
        """Entries due at or before `now`, oldest bucket first; at most about `limit` per call."""
        current = _bucket(now)
        cursor = self._cursor()
        done = cursor if cursor is not None else current - 1
        due: list[str] = []
        while done < current and len(due) < limit:
            bucket = done + 1
            key = f"w|{bucket}"
            entries = self.table.get(key)
            if entries:
                ready = {e: t for e, t in entries.items() if t <= now.timestamp()}
                due.extend(sorted(ready, key=lambda e: ready[e]))
                rest = {e: t for e, t in entries.items() if e not in ready}
                if rest:
                    # Later entries of the current bucket: look at it again next time.
                    self.table[key] = rest
                    break
                del self.table[key]
            done = bucket
        if cursor is None or done != cursor:
            self.table[CURSOR] = done
        return due

    def size(self) -> int:
        """Entries scheduled (a full scan: for tests and diagnostics, not for ticks)."""
        return sum(len(v) for k, v in self.table.items() if k.startswith("w|") and k != CURSOR)
