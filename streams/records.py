"""Wire schemas at the edge: a raw record is validated here, then travels as a plain dict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from contract import RawMessage, Response, WireError, decode


@dataclass(frozen=True)
class Limits:
    """How much text a message may carry, and how far ahead of our clock its time may be."""

    max_text_bytes: int = 256 * 1024
    skew: timedelta = timedelta(days=1)


class BadMessage(ValueError):
    """Input that cannot become a Message; `reason` is what the dead-letter record says."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _object(raw: bytes) -> dict[str, Any]:
    try:
        data = decode(raw)
    except WireError as exc:
        raise BadMessage(exc.reason) from exc
    if not isinstance(data, dict):
        raise BadMessage(f"not a JSON object but {type(data).__name__}")
    return data


def _invalid(exc: ValidationError) -> BadMessage:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "message"
    return BadMessage(f"invalid {where}: {first['msg']}")


def parse_message(
    raw: bytes, now: datetime | None = None, limits: Limits = Limits()
) -> dict[str, Any]:
    """Decodes and validates one raw record into the JSON-ready message the tagger reads.

    Only wire fields are taken; `thread_id` is filled in; a text over the limit is cut at a
    character boundary and flagged (`truncated`, `text_bytes`: the size it came with).
    """
    data = _object(raw)
    if "text" not in data:
        raise BadMessage("no text: field 'text' is missing")
    try:
        message = RawMessage.model_validate(
            data, context={"now": now or datetime.now(UTC), "skew": limits.skew}
        )
    except ValidationError as exc:
        raise _invalid(exc) from exc
    out = message.model_dump(mode="json", exclude={"status", "extra"})
    out["thread_id"] = message.thread
    if message.status is not None:
        out["message_status"] = message.status
    if message.extra:
        out["extra"] = message.extra
    size = len(message.text.encode("utf-8"))
    if size > limits.max_text_bytes:
        cut = message.text.encode("utf-8")[: limits.max_text_bytes]
        out["text"] = cut.decode("utf-8", errors="ignore")
        out["truncated"] = True
        out["text_bytes"] = size
    return out


def parse_response(raw: bytes) -> dict[str, Any]:
    """A `mcu.responses` record, validated; its time stays None when it did not say."""
    try:
        response = Response.model_validate(_object(raw))
    except ValidationError as exc:
        raise _invalid(exc) from exc
    return response.model_dump(mode="json", exclude_none=True)


def thread_key(raw: bytes) -> bytes | None:
    """The partition key of a raw line: its thread, else its id; None when it cannot be read."""
    try:
        data = decode(raw)
    except WireError:
        return None
    if not isinstance(data, dict):
        return None
    key = data.get("thread_id") or data.get("parent_id") or data.get("id")
    return str(key).encode() if isinstance(key, str | int) and key else None
