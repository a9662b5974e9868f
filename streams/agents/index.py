"""Agent *index*: tagged messages → bulk writes to the search engine by id, with retries.

The search engine being down, busy or blocked delays the batch; a record it refuses (or that
cannot become a document) goes to the dead letters and its neighbours are written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from contract import WireError, decode
from streams import deadletter
from streams.context import Context
from streams.retry import in_thread_until_done
from streams.search import SearchEngine, connect
from streams.search.writer import write_all

DepartmentFor = Callable[[str | None], str | None]
STAGE = "index"
log = logging.getLogger(__name__)


def document(message: dict[str, Any], department_for: DepartmentFor | None) -> dict[str, Any]:
    """The search document: the message, its lemmas as text, its department, when indexed."""
    if not isinstance(message.get("id"), str) or not message["id"]:
        raise ValueError("нет id")
    doc = dict(message)
    nlp = dict(doc.get("nlp") or {})
    nlp["lemmas_text"] = " ".join(str(lemma) for lemma in nlp.get("lemmas", []))
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

    async def dead(raw: bytes, key: bytes | None, reason: str) -> None:
        await deadletter.put(ctx, raw, key, STAGE, reason, origin)

    @ctx.app.agent(ctx.topics.tagged, name="mcu.index")
    async def index(stream: Any) -> None:
        search = await engine()
        worker = settings.worker
        async for batch in stream.take(worker.index_batch_size, within=worker.index_batch_timeout):
            docs: list[dict[str, Any]] = []
            raws: dict[str, bytes] = {}
            for raw in batch:
                try:
                    message = decode(raw)
                    if not isinstance(message, dict):
                        raise WireError(f"not a JSON object but {type(message).__name__}")
                    doc = document(message, department_for)
                except WireError as exc:
                    await dead(raw, None, exc.reason)
                    continue
                except Exception as exc:  # a record that cannot become a document
                    await dead(raw, None, f"internal: {type(exc).__name__}: {exc}")
                    continue
                docs.append(doc)
                raws[doc["id"]] = raw
            if not docs:
                continue

            async def reject(
                doc: dict[str, Any], reason: str, raws: dict[str, bytes] = raws
            ) -> None:
                metrics.index_errors.labels("rejected").inc()
                raw = raws.get(doc["id"]) or json.dumps(doc, ensure_ascii=False).encode()
                await dead(raw, str(doc["id"]).encode(), reason)

            rejected = await write_all(
                "bulk index",
                search.bulk_index,
                docs,
                reject,
                on_retry=lambda label: metrics.index_errors.labels(label).inc(),
            )
            now = datetime.now(UTC)
            for doc in docs:
                if doc["id"] in rejected:
                    continue
                metrics.messages_indexed.labels(metrics.source(doc.get("source"))).inc()
                metrics.pipeline_latency.labels("indexed").observe(_since(doc, now))


def _since(doc: dict[str, Any], now: datetime) -> float:
    try:
        return max(0.0, (now - datetime.fromisoformat(str(doc.get("ingested_at")))).total_seconds())
    except ValueError:
        return 0.0
