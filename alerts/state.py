"""Engine and router state: named tables of JSON-ready values (dicts, or faust tables)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

# Tables the rules engine uses; the worker may back each by a faust Table.
ENGINE_TABLES = ("incidents", "keys", "alerts", "subjects", "windows", "wheel")
# Tables the notification router uses.
ROUTER_TABLES = ("routed", "groups", "escalations", "silences", "sources", "marks")


class State:
    """Values are replaced, never mutated in place, so a faust table sees every change."""

    def __init__(
        self,
        tables: Mapping[str, MutableMapping[str, Any]] | None = None,
        names: Iterable[str] = ENGINE_TABLES + ROUTER_TABLES,
    ) -> None:
        self._tables: dict[str, MutableMapping[str, Any]] = dict(tables or {})
        for name in names:
            self._tables.setdefault(name, {})

    def table(self, name: str) -> MutableMapping[str, Any]:
        if name not in self._tables:
            self._tables[name] = {}
        return self._tables[name]

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """A deep JSON copy: proves the state is serialisable and detaches it."""
        snapshot = {name: dict(table.items()) for name, table in self._tables.items()}
        loaded: dict[str, dict[str, Any]] = json.loads(json.dumps(snapshot, ensure_ascii=False))
        return loaded

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> State:
        return cls({name: dict(values) for name, values in data.items()})
