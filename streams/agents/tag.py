"""Agent *tag*: raw bytes → validated message → natasha tagging off the loop → tagged topic.

The tagging runs in a child process (streams/tagger_process.py) or, if so set, in a thread.

Whatever one record does — bad bytes, a bad field, a text the tagger trips on, a tagging too
large to send — it goes to the dead letters with its reason, and the batch goes on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from nlp.tagger import Tagger, Tagging, TextItem
from streams import deadletter
from streams.context import Context
from streams.records import BadMessage, Limits, parse_message, thread_key
from streams.tagger_process import TaggerDied, TaggerProcess, TaggingError

log = logging.getLogger(__name__)
STAGE = "tag"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def ingest_time(event: Any) -> str:
    """When the record reached Kafka (its timestamp), never a field the source wrote."""
    stamp = getattr(getattr(event, "message", None), "timestamp", None)
    if isinstance(stamp, int | float) and stamp > 0:
        return datetime.fromtimestamp(stamp, UTC).isoformat()
    return now_iso()


def fit(message: dict[str, Any], limit: int) -> bytes | None:
    """The record as bytes under the producer's limit: lemmas are cut first; None if it can't."""
    encoded = json.dumps(message, ensure_ascii=False).encode()
    nlp = message.get("nlp") or {}
    lemmas = list(nlp.get("lemmas") or [])
    while len(encoded) > limit and lemmas:
        lemmas = lemmas[: len(lemmas) // 2]
        message["nlp"] = {**nlp, "lemmas": lemmas, "lemmas_cut": True}
        encoded = json.dumps(message, ensure_ascii=False).encode()
    return encoded if len(encoded) <= limit else None


def install(ctx: Context) -> None:
    settings = ctx.settings.worker
    metrics = ctx.metrics
    tagger: list[Tagger] = []
    origin = ctx.settings.kafka.topics.raw
    limits = Limits(max_text_bytes=settings.max_text_bytes, skew=settings.created_at_skew)
    # Room for the headers and the record batch around one value.
    max_record = ctx.settings.kafka.max_request_bytes - 16 * 1024

    async def dead(raw: bytes, key: bytes | None, reason: str) -> None:
        await deadletter.put(ctx, raw, key, STAGE, reason, origin)

    @ctx.app.agent(ctx.topics.raw, name="mcu.tag")
    async def tag(stream: Any) -> None:
        async for events in stream.take_events(
            settings.tag_batch_size, within=settings.tag_batch_timeout
        ):
            await tag_batch(events)

    async def one_by_one(
        tag_one: Callable[[TextItem], Awaitable[Tagging]],
        items: list[TextItem],
        errors: type[Exception] | tuple[type[Exception], ...],
    ) -> list[Tagging | Exception]:
        """After a failed batch: each message alone, a failure kept in its place."""
        results: list[Tagging | Exception] = []
        for item in items:
            try:
                results.append(await tag_one(item))
            except errors as one:
                results.append(one)
        return results

    async def in_thread(items: list[TextItem]) -> list[Tagging | Exception]:
        if not tagger:
            # Models load once per worker, off the event loop.
            limit = settings.tag_max_chars
            tagger.append(await asyncio.to_thread(lambda: Tagger(max_chars=limit)))
        try:
            return list(await asyncio.to_thread(tagger[0].tag_many, items))
        except Exception:  # one bad text must not stop the stream: retry one by one
            log.exception("batch tagging failed, tagging one by one")
        return await one_by_one(
            lambda item: asyncio.to_thread(tagger[0].tag, item), items, Exception
        )

    async def in_child(items: list[TextItem]) -> list[Tagging | Exception]:
        try:
            return list(await child.tag_many(items))
        except TaggerDied as exc:
            log.warning("%s; a new tagger process takes the batch again", exc)
            try:
                return list(await child.tag_many(items))
            except (TaggerDied, TaggingError):
                log.exception("the batch failed again, tagging one by one")
        except TaggingError:
            log.exception("batch tagging failed, tagging one by one")
        return await one_by_one(child.tag, items, (TaggingError, TaggerDied))

    child = TaggerProcess(settings.tag_max_chars)
    tag_all = in_child if settings.tag_in_child else in_thread

    async def read(events: Sequence[Any]) -> list[tuple[bytes | None, dict[str, Any]]]:
        good: list[tuple[bytes | None, dict[str, Any]]] = []
        for event in events:
            raw = event.value
            key = thread_key(raw)
            try:
                message = parse_message(raw, datetime.now(UTC), limits)
            except BadMessage as exc:
                await dead(raw, key, exc.reason)
                continue
            except Exception as exc:  # a bug here must not stop the stream either
                log.exception("reading a raw record failed")
                await dead(raw, key, f"internal: {type(exc).__name__}: {exc}")
                continue
            message["ingested_at"] = ingest_time(event)
            message["created_at"] = message.get("created_at") or message["ingested_at"]
            metrics.messages_received.labels(
                metrics.source(message["source"]), message["kind"]
            ).inc()
            good.append((key, message))
        return good

    async def tag_batch(events: Sequence[Any]) -> None:
        good = await read(events)
        if not good:
            return
        items = [TextItem(text=m["text"], kind=m["kind"]) for _, m in good]
        started = time.perf_counter()
        taggings = await tag_all(items)
        metrics.nlp_batch_seconds.observe(time.perf_counter() - started)
        metrics.nlp_batch_size.observe(len(items))
        for (key, message), tagging in zip(good, taggings, strict=True):
            if isinstance(tagging, Exception):
                raw = json.dumps(message, ensure_ascii=False).encode()
                await dead(raw, key, f"nlp: {type(tagging).__name__}: {tagging}")
            else:
                await publish(key, message, tagging)

    async def publish(key: bytes | None, message: dict[str, Any], tagging: Tagging) -> None:
        message["nlp"] = tagging.to_dict()
        message["tagged_at"] = now_iso()
        value = fit(message, max_record)
        if value is None:
            size = len(json.dumps(message, ensure_ascii=False).encode())
            message.pop("nlp")
            raw = json.dumps(message, ensure_ascii=False).encode()
            await dead(raw, key, f"too large: tagged record of {size} bytes")
            return
        nlp = message["nlp"]
        metrics.observe_tagged(
            source=metrics.source(message["source"]),
            category=nlp["category"],
            sentiment=nlp["sentiment"],
            conflict=bool(nlp.get("conflict")),
            complaint=bool(nlp.get("is_complaint")),
        )
        metrics.pipeline_latency.labels("tagged").observe(_since(message["ingested_at"]))
        await ctx.topics.tagged.send(key=key, value=value)


def _since(iso: str) -> float:
    try:
        return max(0.0, (datetime.now(UTC) - datetime.fromisoformat(iso)).total_seconds())
    except ValueError:
        return 0.0
