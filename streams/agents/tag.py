"""Agent *tag*: raw bytes → validated message → natasha tagging off the loop → tagged topic."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from nlp.tagger import Tagger, Tagging, TextItem
from streams import deadletter
from streams.app import Context
from streams.records import BadMessage, parse_message, thread_key

log = logging.getLogger(__name__)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def install(ctx: Context) -> None:
    settings = ctx.settings.worker
    metrics = ctx.metrics
    tagger: list[Tagger] = []
    origin = ctx.settings.kafka.topics.raw

    @ctx.app.agent(ctx.topics.raw, name="mcu.tag")
    async def tag(stream: Any) -> None:
        if not tagger:
            # Models load once per worker, off the event loop.
            limit = settings.tag_max_chars
            tagger.append(await asyncio.to_thread(lambda: Tagger(max_chars=limit)))
        async for batch in stream.take(settings.tag_batch_size, within=settings.tag_batch_timeout):
            await tag_batch(ctx, tagger[0], batch)

    async def tag_batch(ctx: Context, tagger_: Tagger, batch: list[bytes]) -> None:
        good: list[tuple[bytes | None, dict[str, Any]]] = []
        for raw in batch:
            key = thread_key(raw)
            try:
                message = parse_message(raw)
            except BadMessage as exc:
                metrics.deadletter.labels(deadletter.reason_code(exc.reason)).inc()
                await deadletter.send(ctx.topics.deadletter, raw, key, "tag", exc.reason, origin)
                continue
            message["ingested_at"] = message.get("ingested_at") or now_iso()
            metrics.messages_received.labels(message["source"], message["kind"]).inc()
            good.append((key, message))
        if not good:
            return
        items = [TextItem(text=m["text"], kind=m["kind"]) for _, m in good]
        started = time.perf_counter()
        taggings: list[Tagging | None]
        try:
            taggings = list(await asyncio.to_thread(tagger_.tag_many, items))
        except Exception:  # one bad text must not stop the stream: retry one by one
            log.exception("batch tagging failed, tagging one by one")
            taggings = []
            for (key, message), item in zip(good, items, strict=True):
                try:
                    taggings.append(await asyncio.to_thread(tagger_.tag, item))
                except Exception as one:
                    raw = json.dumps(message, ensure_ascii=False).encode()
                    reason = f"nlp: {type(one).__name__}: {one}"
                    metrics.deadletter.labels("nlp_error").inc()
                    await deadletter.send(ctx.topics.deadletter, raw, key, "tag", reason, origin)
                    taggings.append(None)
        metrics.nlp_batch_seconds.observe(time.perf_counter() - started)
        metrics.nlp_batch_size.observe(len(items))
        for (key, message), tagging in zip(good, taggings, strict=True):
            if tagging is None:
                continue
            message["nlp"] = tagging.to_dict()
            message["tagged_at"] = now_iso()
            nlp = message["nlp"]
            metrics.observe_tagged(
                source=message["source"],
                category=nlp["category"],
                sentiment=nlp["sentiment"],
                conflict=bool(nlp.get("conflict")),
                complaint=bool(nlp.get("is_complaint")),
            )
            metrics.pipeline_latency.labels("tagged").observe(_since(message["ingested_at"]))
            await ctx.topics.tagged.send(
                key=key, value=json.dumps(message, ensure_ascii=False).encode()
            )


def _since(iso: str) -> float:
    try:
        return max(0.0, (datetime.now(UTC) - datetime.fromisoformat(iso)).total_seconds())
    except ValueError:
        return 0.0
