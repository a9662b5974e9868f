"""Agent *index*: tagged messages → bulk writes to the search engine by id, with retries."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

from streams import deadletter
from streams.app import Context
from streams.search import BulkResult, SearchEngine, connect

log = logging.getLogger(__name__)

RETRY_MAX_SECONDS = 30.0


def needs_response(message: dict[str, Any]) -> bool:
    """A citizen's complaint, question or ПОС appeal waits for an official answer."""
    if message.get("kind") == "reply" or message.get("author", {}).get("is_official"):
        return False
    nlp = message.get("nlp", {})
    return bool(
        message.get("kind") == "appeal" or nlp.get("is_complaint") or nlp.get("is_question")
    )


def document(
    message: dict[str, Any], department: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The search document and the fields it gets only when first written."""
    doc = dict(message)
    nlp = dict(doc.get("nlp", {}))
    nlp["lemmas_text"] = " ".join(nlp.get("lemmas", []))
    doc["nlp"] = nlp
    doc["department"] = department
    doc["needs_response"] = needs_response(message)
    doc["indexed_at"] = datetime.now(UTC).isoformat()
    initial = {"status": "open" if doc["needs_response"] else "not_required"}
    return doc, initial


async def write_with_retry(
    engine: SearchEngine, docs: list[dict[str, Any]], initial: list[dict[str, Any]]
) -> BulkResult:
    """Retries while the search engine is down: a batch is never skipped."""
    delay = 0.5
    while True:
        try:
            return await asyncio.to_thread(engine.bulk_index, docs, initial)
        except Exception as exc:
            log.warning("search engine unavailable (%s); retrying in %.1fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_SECONDS)


def install(ctx: Context, department_for: Any = None) -> None:
    settings = ctx.settings
    metrics = ctx.metrics
    engines: list[SearchEngine] = []
    origin = settings.kafka.topics.tagged

    async def engine() -> SearchEngine:
        if not engines:
            created = connect(settings.search)
            delay = 0.5
            while True:
                try:
                    await asyncio.to_thread(created.ensure_template)
                    break
                except Exception as exc:
                    log.warning("cannot create the index template (%s); retrying", exc)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX_SECONDS)
            engines.append(created)
        return engines[0]

    @ctx.app.agent(ctx.topics.tagged, name="mcu.index")
    async def index(stream: Any) -> None:
        search = await engine()
        async for batch in stream.take(
            settings.worker.index_batch_size, within=settings.worker.index_batch_timeout
        ):
            docs: list[dict[str, Any]] = []
            initial: list[dict[str, Any]] = []
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
                category = message.get("nlp", {}).get("category")
                dept = department_for(category) if department_for and category else None
                doc, first = document(message, dept)
                docs.append(doc)
                initial.append(first)
                raws[doc["id"]] = raw
            if not docs:
                continue
            result = await write_with_retry(search, docs, initial)
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
