"""One small interface over the official clients of Elasticsearch 8 and OpenSearch 2."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from streams.search.template import index_template

# Fields a deletion does not overwrite when the message was indexed before.
DELETION_KEEPS = frozenset({"text", "nlp", "truncated", "text_bytes"})


@dataclass(frozen=True)
class BulkError:
    id: str
    reason: str
    status: int | None = None
    type: str | None = None


@dataclass(frozen=True)
class BulkResult:
    indexed: int
    errors: list[BulkError] = field(default_factory=list)


def index_for(prefix: str, created_at: str | None) -> str:
    """Monthly indices by the message's own date, so re-indexing lands in the same index."""
    try:
        moment = datetime.fromisoformat(created_at) if created_at else None
    except ValueError:
        moment = None
    if moment is None:
        return f"{prefix}-undated"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{prefix}-{moment:%Y.%m}"


def written_by_index(ids: Sequence[str], since: datetime | None = None) -> dict[str, Any]:
    """A query for the ids the index agent has written (`since`: at or after that moment). The
    status agent's fields (incident, deadline, answer) can reach the engine first and create a
    document with only those; it has no `indexed_at` until the tagged message lands on it."""
    written: dict[str, Any] = {"exists": {"field": "indexed_at"}}
    if since is not None:
        written = {"range": {"indexed_at": {"gte": since.astimezone(UTC).isoformat()}}}
    return {"bool": {"filter": [{"ids": {"values": list(ids)}}, written]}}


def written_before(ids: Sequence[str], since: datetime) -> dict[str, Any]:
    """The ids' documents the index agent has not written since `since`: copies left by an
    earlier run in another monthly index (the same id sent again with another date)."""
    return {
        "bool": {
            "filter": [{"ids": {"values": list(ids)}}],
            "must_not": [written_by_index(ids, since)],
        }
    }


class SearchEngine:
    """Ensures the template, bulk-indexes by id, counts, scans. Engine differences stay here."""

    def __init__(self, client: Any, engine: str, prefix: str) -> None:
        self.client = client
        self.engine = engine
        self.prefix = prefix

    @property
    def index_pattern(self) -> str:
        return f"{self.prefix}-*"

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False

    def ensure_template(self) -> None:
        body = index_template(self.prefix)
        if self.engine == "elasticsearch":
            self.client.indices.put_index_template(
                name=self.prefix,
                index_patterns=body["index_patterns"],
                template=body["template"],
                priority=body["priority"],
                meta=body["_meta"],
            )
        else:
            self.client.indices.put_index_template(name=self.prefix, body=body)

    def bulk_index(self, docs: Sequence[dict[str, Any]], refresh: bool = False) -> BulkResult:
        """Writes docs by their id as partial updates (upsert), so replaying a message keeps
        the fields the alert stage wrote to it later (status, deadline, answer)."""
        if not docs:
            return BulkResult(0)
        operations: list[dict[str, Any]] = []
        for doc in docs:
            index = index_for(self.prefix, doc.get("created_at"))
            # The alert stage updates the same documents: retry on a concurrent write.
            operations.append(
                {"update": {"_index": index, "_id": doc["id"], "retry_on_conflict": 5}}
            )
            if doc.get("message_status") == "deleted":
                # The source removed it: keep the words we indexed, mark it deleted.
                kept = {k: v for k, v in doc.items() if k not in DELETION_KEEPS}
                operations.append({"doc": kept, "upsert": doc})
            else:
                operations.append({"doc": doc, "doc_as_upsert": True})
        return self._bulk(operations, refresh)

    def _bulk(self, operations: list[dict[str, Any]], refresh: bool) -> BulkResult:
        if self.engine == "elasticsearch":
            resp = self.client.bulk(operations=operations, refresh=refresh)
        else:
            resp = self.client.bulk(body=operations, refresh=refresh)
        errors: list[BulkError] = []
        ok = 0
        for item in resp["items"]:
            result = next(iter(item.values()))
            if result.get("error"):
                error = result["error"]
                kind = error.get("type") if isinstance(error, dict) else None
                reason = error.get("reason") if isinstance(error, dict) else error
                status = result.get("status")
                errors.append(
                    BulkError(
                        str(result.get("_id")),
                        f"{kind}: {reason}",
                        status if isinstance(status, int) else None,
                        kind,
                    )
                )
            else:
                ok += 1
        return BulkResult(ok, errors)

    def bulk_update(self, updates: Sequence[tuple[str, str | None, dict[str, Any]]]) -> BulkResult:
        """Partial updates (id, created_at, fields); a message not yet indexed is created with
        them, and the index agent fills in the rest when it gets there."""
        if not updates:
            return BulkResult(0)
        operations: list[dict[str, Any]] = []
        for doc_id, created_at, fields in updates:
            index = index_for(self.prefix, created_at)
            operations.append({"update": {"_index": index, "_id": doc_id, "retry_on_conflict": 5}})
            # The id goes in too: a document created by this upsert is findable by it at once.
            operations.append({"doc": {**fields, "id": doc_id}, "doc_as_upsert": True})
        return self._bulk(operations, refresh=False)

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.index_pattern, allow_no_indices=True)

    def count(self, query: dict[str, Any] | None = None) -> int:
        body = {"query": query} if query else None
        try:
            if self.engine == "elasticsearch":
                resp = self.client.count(
                    index=self.index_pattern, query=query, allow_no_indices=True
                )
            else:
                resp = self.client.count(index=self.index_pattern, body=body, allow_no_indices=True)
        except Exception as exc:
            if _is_not_found(exc):
                return 0
            raise
        return int(resp["count"])

    def delete(self, query: dict[str, Any], size: int = 500) -> int:
        """Deletes the matching documents from every monthly index; how many went. By search
        and bulk delete: delete-by-query lives in OpenSearch's reindex module, which a server
        assembled from the core artifacts does not have."""
        deleted = 0
        while True:
            body = {"size": size, "query": query, "_source": False}
            hits = self.search(body)["hits"]["hits"]
            operations = [{"delete": {"_index": h["_index"], "_id": h["_id"]}} for h in hits]
            if not operations:
                return deleted
            result = self._bulk(operations, refresh=True)
            if result.errors:
                raise RuntimeError(f"не удалось удалить: {result.errors[0].reason}")
            deleted += result.indexed

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.engine == "elasticsearch":
            return dict(self.client.search(index=self.index_pattern, allow_no_indices=True, **body))
        return dict(self.client.search(index=self.index_pattern, body=body, allow_no_indices=True))

    def scan(
        self, query: dict[str, Any] | None = None, size: int = 500
    ) -> Iterator[dict[str, Any]]:
        """Every matching document's _source, in id order, by search_after (no scroll state)."""
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "size": size,
                "query": query or {"match_all": {}},
                "sort": [{"id": "asc"}],
            }
            if after is not None:
                body["search_after"] = after
            try:
                hits = self.search(body)["hits"]["hits"]
            except Exception as exc:
                if _is_not_found(exc):
                    return
                raise
            if not hits:
                return
            for hit in hits:
                yield hit["_source"]
            after = hits[-1]["sort"]

    def mapping(self) -> dict[str, Any]:
        """Mapping properties merged over every mcu-messages-* index."""
        resp = self.client.indices.get_mapping(index=self.index_pattern, allow_no_indices=True)
        merged: dict[str, Any] = {}
        for index in resp.values():
            _merge(merged, index["mappings"].get("properties", {}))
        return merged

    def close(self) -> None:
        self.client.close()


def _merge(into: dict[str, Any], props: dict[str, Any]) -> None:
    for name, spec in props.items():
        if "properties" in spec:
            _merge(
                into.setdefault(name, {"properties": {}}).setdefault("properties", {}),
                spec["properties"],
            )
        else:
            into.setdefault(name, spec)


def _is_not_found(exc: Exception) -> bool:
    return (
        getattr(exc, "status_code", None) == 404
        or getattr(exc, "status", None) == 404
        or ("index_not_found" in str(exc))
    )
