"""Wire schemas at the edge: a raw message is validated here, then travels as a plain dict."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class Author(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None = None
    name: str | None = None
    is_official: bool = False


class Reactions(BaseModel):
    model_config = ConfigDict(extra="allow")
    likes: int = 0
    reposts: int = 0
    comments: int = 0
    views: int = 0


class Message(BaseModel):
    """The DESIGN.md contract; unknown fields are kept as they came."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1)
    source: str = "unknown"
    kind: Literal["post", "comment", "appeal", "reply"] = "post"
    thread_id: str | None = None
    parent_id: str | None = None
    url: str | None = None
    author: Author = Author()
    text: str
    created_at: datetime | None = None
    reactions: Reactions = Reactions()

    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("пустой текст")
        return value

    @field_validator("created_at")
    @classmethod
    def _has_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("created_at без часового пояса (нужен ISO 8601 со смещением)")
        return value


class BadMessage(ValueError):
    """Input that cannot become a Message; `reason` is what the dead-letter record says."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_message(raw: bytes) -> dict[str, Any]:
    """Decodes and validates one raw record; the result is JSON-ready with thread_id filled in."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadMessage(f"not UTF-8: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadMessage(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadMessage(f"not a JSON object but {type(data).__name__}")
    if "text" not in data:
        raise BadMessage("no text: field 'text' is missing")
    try:
        message = Message.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "message"
        raise BadMessage(f"invalid {where}: {first['msg']}") from exc
    out = message.model_dump(mode="json")
    out["thread_id"] = message.thread_id or message.parent_id or message.id
    return out


def thread_key(raw: bytes) -> bytes | None:
    """The partition key of a raw line: its thread, else its id; None when it cannot be read."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    key = data.get("thread_id") or data.get("parent_id") or data.get("id")
    return str(key).encode() if key else None
