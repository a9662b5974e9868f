"""Alert state split by partition: each partition's keys live under its own prefix in a table."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any


def prefix_of(partition: int) -> str:
    return f"{partition}/"


def partition_of_key(key: str) -> int | None:
    head, sep, _ = key.partition("/")
    return int(head) if sep and head.isdigit() else None


def partition_of_alert(alert_id: str) -> int | None:
    """Alert ids start with their partition ("2.ab12…"): the engine's shard."""
    head, sep, _ = alert_id.partition(".")
    return int(head) if sep and head.isdigit() else None


class Prefixed(MutableMapping[str, Any]):
    """One partition's view of a table. Reads and writes are O(1); iterating scans the table,
    so ticks never iterate (they use the wheel), only the API and rare housekeeping do."""

    def __init__(self, table: MutableMapping[str, Any], partition: int) -> None:
        self.table = table
        self.prefix = prefix_of(partition)

    def __getitem__(self, key: str) -> Any:
        return self.table[self.prefix + key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.table[self.prefix + key] = value

    def __delitem__(self, key: str) -> None:
        del self.table[self.prefix + key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (self.prefix + key) in self.table

    def get(self, key: str, default: Any = None) -> Any:
        return self.table.get(self.prefix + key, default)

    def __iter__(self) -> Iterator[str]:
        n = len(self.prefix)
        for key in list(self.table.keys()):
            if isinstance(key, str) and key.startswith(self.prefix):
                yield key[n:]

    def __len__(self) -> int:
        return sum(1 for _ in self)
