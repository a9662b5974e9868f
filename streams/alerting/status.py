"""Agent *status*: incident documents and message fields from the alerts agent → search engine.

Separate from the alerts agent so that a search outage only delays this agent (its writes are
retried until the engine is back) and never ticks, deliveries or acknowledgements. Writes are
upserts by id, so a record read twice after a crash changes nothing; a document the engine
rejects goes to the dead letters with the record it came in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from streams import deadletter
from streams.context import Context
from streams.retry import in_thread_until_done
from streams.search import SearchEngine, connect
from streams.search.engine import BulkResult
from streams.search.incidents import bulk_upsert, ensure_index, incidents_index
from streams.search.writer import write_all

STAGE = "status"


def merge(records: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The latest incident documents and the merged message fields, each by id."""
    incidents: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for record in records:
        for doc in record.get("incidents", []):
            incidents[doc["id"]] = doc
        for fields in record.get("messages", []):
            messages[fields["id"]] = {**messages.get(fields["id"], {}), **fields}
    return incidents, messages


def install(ctx: Context) -> None:
    settings = ctx.settings
    metrics = ctx.metrics
    search_settings = settings.search
    if settings.alerts.status_search_url:
        search_settings = search_settings.model_copy(
            update={"url": settings.alerts.status_search_url}
        )
    name = incidents_index(search_settings.index_prefix)
    origin = settings.kafka.topics.status
    engines: list[SearchEngine] = []

    async def engine() -> SearchEngine:
        if not engines:
            created = connect(search_settings)
            await in_thread_until_done("incidents index", ensure_index, created, name)
            engines.append(created)
        return engines[0]

    @ctx.app.agent(ctx.topics.status, name="mcu.status")
    async def status(stream: Any) -> None:
        search = await engine()

        def incidents_bulk(docs: Sequence[dict[str, Any]]) -> BulkResult:
            return bulk_upsert(search, name, docs)

        def messages_bulk(docs: Sequence[dict[str, Any]]) -> BulkResult:
            skip = ("id", "created_at")
            updates = [
                (d["id"], d.get("created_at"), {k: v for k, v in d.items() if k not in skip})
                for d in docs
            ]
            return search.bulk_update(updates)

        async for batch in stream.take(500, within=1.0):
            records: list[dict[str, Any]] = []
            raws: dict[str, bytes] = {}
            for raw in batch:
                try:
                    record = json.loads(raw)
                except ValueError as exc:
                    await deadletter.put(ctx, raw, None, STAGE, f"not JSON: {exc}", origin)
                    continue
                records.append(record)
                for doc in record.get("incidents", []) + record.get("messages", []):
                    raws[doc["id"]] = raw

            async def reject(
                doc: dict[str, Any], reason: str, raws: dict[str, bytes] = raws
            ) -> None:
                metrics.index_errors.labels("rejected").inc()
                raw = raws.get(doc["id"]) or json.dumps(doc, ensure_ascii=False).encode()
                await deadletter.put(ctx, raw, str(doc["id"]).encode(), STAGE, reason, origin)

            def retried(label: str) -> None:
                metrics.index_errors.labels(label).inc()

            incidents, messages = merge(records)
            await write_all(
                "index incidents", incidents_bulk, list(incidents.values()), reject, retried
            )
            await write_all(
                "index item status", messages_bulk, list(messages.values()), reject, retried
            )
