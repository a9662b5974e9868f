"""Dead-letter records: the original bytes untouched, the reason and origin in headers."""

from __future__ import annotations

import faust

REASON = "mcu-reason"
STAGE = "mcu-stage"
ORIGIN = "mcu-origin-topic"


async def send(
    topic: faust.TopicT, raw: bytes, key: bytes | None, stage: str, reason: str, origin: str
) -> None:
    await topic.send(
        key=key,
        value=raw,
        headers={REASON: reason.encode(), STAGE: stage.encode(), ORIGIN: origin.encode()},
    )


def reason_code(reason: str) -> str:
    """The bounded label of a free-text reason, for the dead-letter counter."""
    if reason.startswith(("not UTF-8", "not JSON", "not a JSON")):
        return "invalid_json"
    if reason.startswith("nlp"):
        return "nlp_error"
    return "invalid_message"
