"""Dead-letter records: the original bytes untouched, the stage, reason and origin in headers."""

from __future__ import annotations

import faust

from streams.context import Context

REASON = "mcu-reason"
STAGE = "mcu-stage"
ORIGIN = "mcu-origin-topic"
# Reasons are free text up to this; the metric label is the bounded `reason_code`.
MAX_REASON = 1000


async def send(
    topic: faust.TopicT, raw: bytes, key: bytes | None, stage: str, reason: str, origin: str
) -> None:
    await topic.send(
        key=key,
        value=raw,
        headers={
            REASON: reason[:MAX_REASON].encode("utf-8", "replace"),
            STAGE: stage.encode(),
            ORIGIN: origin.encode(),
        },
    )


async def put(
    ctx: Context, raw: bytes, key: bytes | None, stage: str, reason: str, origin: str
) -> None:
    """Counts and sends one dead letter; the stream that found it goes on."""
    ctx.metrics.deadletter.labels(stage=stage, reason=reason_code(reason)).inc()
    await send(ctx.topics.deadletter, raw, key, stage, reason, origin)


def reason_code(reason: str) -> str:
    """The bounded label of a free-text reason, for the dead-letter counter."""
    if reason.startswith(("not UTF-8", "not JSON", "not a JSON", "invalid string")):
        return "invalid_json"
    if reason.startswith("nlp"):
        return "nlp_error"
    if reason.startswith("too large"):
        return "too_large"
    if reason.startswith("index"):
        return "index_rejected"
    if reason.startswith("internal"):
        return "internal"
    return "invalid_message"
