"""The raw message of `mcu.messages.raw` (DESIGN.md): the only fields taken from a source.

Fields the pipeline derives (`nlp`, `department`, item status, deadlines, `ingested_at`, …) are
never read from input: a source that sends them has them dropped. Other unknown fields are kept
as they came, under `extra`, where they cannot shadow a derived field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Kind = Literal["post", "comment", "appeal", "reply"]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=512)]
Short = Annotated[str, StringConstraints(max_length=1024)]
Count = Annotated[int, Field(ge=0, le=10**12)]
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _iso_only(value: Any) -> Any:
    if not isinstance(value, str | datetime):
        raise ValueError("время — строка ISO 8601 со смещением, не число")
    return value


# ISO 8601 with an offset; epoch numbers are refused (seconds or milliseconds? nobody knows).
IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_only)]
# What a source may be ahead of our clock by before its created_at is refused.
DEFAULT_SKEW = timedelta(days=1)

# Names the pipeline computes; in input they are dropped, never trusted.
DERIVED = frozenset(
    {
        "nlp",
        "department",
        "priority",
        "needs_response",
        "deadline",
        "answered_at",
        "response_hours",
        "reply_id",
        "reply_formal",
        "overdue",
        "incident_id",
        "ingested_at",
        "tagged_at",
        "indexed_at",
        "truncated",
        "text_bytes",
        "message_status",
    }
)


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, frozen=True)


class Author(_Wire):
    id: Short | None = None
    name: Short | None = None
    is_official: bool = False


class Reactions(_Wire):
    likes: Count = 0
    reposts: Count = 0
    comments: Count = 0
    views: Count = 0


class PosAppeal(_Wire):
    """What a ПОС notification or registry row says of its appeal."""

    number: Short | None = None
    category: Short | None = None
    subcategory: Short | None = None
    address: Short | None = None
    deadline: IsoTime | None = None


class RawMessage(_Wire):
    id: Ident
    source: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "unknown"
    kind: Kind = "post"
    thread_id: Ident | None = None
    parent_id: Ident | None = None
    original_id: Ident | None = None
    url: Annotated[str, StringConstraints(max_length=4096)] | None = None
    author: Author = Author()
    text: str
    created_at: IsoTime | None = None
    reactions: Reactions = Reactions()
    # An edit or a deletion of a message seen before: the same id, the new state.
    status: Literal["edited", "deleted"] | None = None
    category_hint: Short | None = None
    pos: PosAppeal | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _collect_extra(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = set(cls.model_fields)
        extra = dict(data.get("extra") or {}) if isinstance(data.get("extra"), dict) else {}
        extra.update({k: v for k, v in data.items() if k not in known and k not in DERIVED})
        return {**{k: v for k, v in data.items() if k in known}, "extra": extra}

    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("пустой текст")
        return value

    @field_validator("created_at")
    @classmethod
    def _plausible_time(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is None:
            return None
        context = info.context or {}
        now: datetime = context.get("now") or datetime.now(UTC)
        skew: timedelta = context.get("skew") or DEFAULT_SKEW
        if value < EARLIEST:
            raise ValueError(f"дата раньше {EARLIEST:%Y} года")
        if value > now + skew:
            raise ValueError("дата в будущем")
        return value

    @property
    def thread(self) -> str:
        return self.thread_id or self.parent_id or self.id


class Response(_Wire):
    """A record of `mcu.responses`: an official reaction to an item or an alert."""

    item_id: Ident | None = None
    alert_id: Ident | None = None
    status: Literal["answered", "interim", "closed", "resolved", "ack"]
    at: IsoTime | None = None
    by: Short | None = None
    reply_id: Ident | None = None
    formal: bool | None = None

    @model_validator(mode="after")
    def _names_its_target(self) -> Response:
        if not self.item_id and not self.alert_id:
            raise ValueError("нужен item_id или alert_id")
        return self
