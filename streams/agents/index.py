"""Agent *index*: tagged messages → bulk writes to the search engine by id, with retries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from streams import deadletter
from streams.context import Context
from streams.retry import in_thread_until_done
from streams.search import SearchEngine, connect

DepartmentFor = Callable[[str | None], str | None]


def document(message: dict[str, Any], department_for: DepartmentFor | None) -> dict[str, Any]:
    """The search document: the message, its lemmas as text, its department, when indexed."""
    doc = dict(message)
    nlp = dict(doc.get("nlp", {}))
    nlp["lemmas_text"] = " ".join(nlp.get("lemmas", []))
    doc["nlp"] = nlp
    if department_for is not None:
        doc["department"] = department_for(nlp.get("category"))
    doc["indexed_at"] = datetime.now(UTC).isoformat()
    return doc


def install(ctx: Context, department_for: DepartmentFor | None = None) -> None:
    settings = ctx.settings
    metrics = ctx.metrics
    engines: list[SearchEngine] = []
    origin = settings.kafka.topics.tagged

    async def engine() -> SearchEngine:
        if not engines:
            created = connect(settings.search)
            await in_thread_until_done("index template", created.ensure_template)
            engines.append(created)
        return engines[0]

    @ctx.app.agent(ctx.topics.tagged, name="mcu.index")
    async def index(stream: Any) -> None:
        search = await engine()
        worker = settings.worker
        async for batch in stream.take(worker.index_batch_size, within=worker.index_batch_timeout):
            docs: list[dict[str, Any]] = []
            raws: dict[str, bytes] = {}
            for raw in batch:
                try:
                    message = json.loads(raw)
                except ValueError as exc:
                    await deadletter.send(
                        ctx.topics.deadletter, raw, None, "index", f"not JSON: {exc}", origin
                    )
                    metrics.deadletter.labels("invalid_json").inc()
                    continue
                doc = document(message, department_for)
                docs.append(doc)
                raws[doc["id"]] = raw
            if not docs:
                continue
            result = await in_thread_until_done("bulk index", search.bulk_index, docs)
            for doc_id, reason in result.errors:
                metrics.index_errors.labels("rejected").inc()
                metrics.deadletter.labels("invalid_message").inc()
                await deadletter.send(
                    ctx.topics.deadletter,
                    raws.get(doc_id, b""),
                    doc_id.encode(),
                    "index",
                    f"index: {reason}",
                    origin,
                )
            failed = {doc_id for doc_id, _ in result.errors}
            for doc in docs:
                if doc["id"] in failed:
                    continue
                metrics.messages_indexed.labels(doc.get("source", "unknown")).inc()
                ingested = doc.get("ingested_at")
                if ingested:
                    seconds = (datetime.now(UTC) - datetime.fromisoformat(ingested)).total_seconds()
                    metrics.pipeline_latency.labels("indexed").observe(max(0.0, seconds))
