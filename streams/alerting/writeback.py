"""A write-back view of a table for one control event: every key is written once at the end.

A batch of messages about one hot incident would otherwise rewrite the incident, its spike
windows and its wheel bucket once per message, each write a changelog record.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

_GONE = object()


class WriteBack(MutableMapping[str, Any]):
    def __init__(self, base: MutableMapping[str, Any]) -> None:
        self.base = base
        self.local: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self.local:
            value = self.local[key]
            if value is _GONE:
                raise KeyError(key)
            return value
        return self.base[key]

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.local:
            value = self.local[key]
            return default if value is _GONE else value
        return self.base.get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str) and key in self.local:
            return self.local[key] is not _GONE
        return key in self.base

    def __setitem__(self, key: str, value: Any) -> None:
        self.local[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.local[key] = _GONE

    def __iter__(self) -> Iterator[str]:
        for key in self.base:
            if self.local.get(key) is not _GONE:
                yield key
        for key, value in list(self.local.items()):
            if value is not _GONE and key not in self.base:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def flush(self) -> int:
        """Writes what changed to the table; returns how many keys."""
        for key, value in self.local.items():
            if value is _GONE:
                self.base.pop(key, None)
            else:
                self.base[key] = value
        count = len(self.local)
        self.local.clear()
        return count
