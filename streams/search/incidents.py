"""The mcu-incidents index: one document per incident, next to the messages' monthly indices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from streams.search.engine import BulkResult, SearchEngine
from streams.search.template import BOOLEAN, DATE, FLOAT, KEYWORD, LONG

MAPPINGS: dict[str, Any] = {
    "dynamic": True,
    "properties": {
        "id": KEYWORD,
        "created_at": DATE,
        "last_at": DATE,
        "updated_at": DATE,
        "state": KEYWORD,
        "status": KEYWORD,
        "needs_response": BOOLEAN,
        "policy": KEYWORD,
        "backfill": BOOLEAN,
        "source": KEYWORD,
        "kind": KEYWORD,
        "page": KEYWORD,
        "thread_id": KEYWORD,
        "original_id": KEYWORD,
        "category": KEYWORD,
        "department": KEYWORD,
        "priority": KEYWORD,
        "addresses": KEYWORD,
        "messages": LONG,
        "authors": LONG,
        "reach": FLOAT,
        "conflicts": LONG,
        "repeats": LONG,
        "replies": LONG,
        "excerpt": {"type": "text", "analyzer": "russian"},
        "url": KEYWORD,
        "deadline_rule": KEYWORD,
        "deadline": DATE,
        "answered_at": DATE,
        "closed_at": DATE,
        "response_hours": FLOAT,
        "reply_id": KEYWORD,
        "reply_formal": BOOLEAN,
        "overdue": BOOLEAN,
        "alerts": LONG,
    },
}


def incidents_index(messages_prefix: str) -> str:
    """mcu-messages → mcu-incidents; any other prefix P → P.incidents (outside P-*)."""
    if messages_prefix.endswith("-messages"):
        return messages_prefix[: -len("-messages")] + "-incidents"
    return f"{messages_prefix}.incidents"


def ensure_index(engine: SearchEngine, name: str) -> None:
    """Creates the index with its mapping unless it exists (the same body on ES 8 and OS 2)."""
    if engine.client.indices.exists(index=name):
        return
    body = {"settings": {"number_of_shards": 1, "number_of_replicas": 0}, "mappings": MAPPINGS}
    if engine.engine == "elasticsearch":
        engine.client.indices.create(
            index=name, settings=body["settings"], mappings=body["mappings"]
        )
    else:
        engine.client.indices.create(index=name, body=body)


def bulk_upsert(engine: SearchEngine, name: str, docs: Sequence[dict[str, Any]]) -> BulkResult:
    """Writes incident documents by id (the latest wins; writing one twice changes nothing)."""
    if not docs:
        return BulkResult(0)
    operations: list[dict[str, Any]] = []
    for doc in docs:
        operations.append({"update": {"_index": name, "_id": doc["id"], "retry_on_conflict": 5}})
        operations.append({"doc": doc, "doc_as_upsert": True})
    return engine._bulk(operations, refresh=False)
