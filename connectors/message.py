"""The wire message a connector produces: exactly the fields of DESIGN.md, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["post", "comment", "appeal", "reply"]
Status = Literal["edited", "deleted"]
# Deletions rarely carry the text; the index keeps the earlier text of the same id.
DELETED_TEXT = "(сообщение удалено)"


class Author(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str | None = None
    name: str | None = None
    is_official: bool = False


class Reactions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    likes: int = 0
    reposts: int = 0
    comments: int = 0
    views: int = 0


class Wire(BaseModel):
    """One message for mcu.messages.raw; optional fields are left out when empty."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=3)
    source: str
    kind: Kind
    thread_id: str
    parent_id: str | None = None
    url: str | None = None
    author: Author = Author()
    text: str
    created_at: datetime
    reactions: Reactions = Reactions()
    status: Status | None = None
    original_id: str | None = None
    deadline: datetime | None = None
    category_hint: str | None = None
    pos: dict[str, Any] | None = None
    extra: dict[str, Any] | None = None

    @field_validator("created_at", "deadline")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("время без часового пояса")
        return value

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return value.strip() or DELETED_TEXT

    def to_json(self) -> bytes:
        optional = ("status", "original_id", "deadline", "category_hint", "pos", "extra")
        data = self.model_dump(mode="json")
        for name in optional:
            if data.get(name) is None:
                data.pop(name, None)
        import json

        return json.dumps(data, ensure_ascii=False).encode()

    @property
    def key(self) -> bytes:
        return self.thread_id.encode()


def from_unix(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
