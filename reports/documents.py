"""Search documents (the `_source` dicts of mcu-messages-*) as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

CITIZEN_KINDS = frozenset({"post", "comment", "appeal"})


def parse_time(value: object) -> datetime | None:
    """ISO 8601 (with offset or Z) or epoch milliseconds to an aware datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    text = str(value).replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"время без часового пояса: {value!r}")
    return parsed


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def _float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _int(value: object) -> int:
    return 0 if value is None else int(str(value))


@dataclass(frozen=True)
class Doc:
    """The fields of one indexed message that ratings and reports read."""

    id: str
    source: str
    kind: str
    thread_id: str
    parent_id: str | None
    url: str | None
    author_id: str | None
    author_name: str | None
    is_official: bool
    text: str
    created_at: datetime
    likes: int
    reposts: int
    comments: int
    views: int
    category: str | None
    sentiment: str | None
    toxicity: float
    conflict: bool
    conflict_reasons: tuple[str, ...]
    is_complaint: bool
    addresses: tuple[str, ...]
    department: str | None
    status: str | None
    needs_response: bool
    deadline: datetime | None
    answered_at: datetime | None
    response_hours: float | None
    reply_id: str | None
    reply_formal: bool | None
    overdue: bool | None
    # The incident the message belongs to (its own id until the alert stage has linked it).
    incident_id: str | None = None

    @property
    def incident(self) -> str:
        return self.incident_id or self.id

    @property
    def is_citizen(self) -> bool:
        """A message from a citizen (not an official reply)."""
        return not self.is_official and self.kind in CITIZEN_KINDS

    @property
    def reach(self) -> int:
        """How many people the message reached or engaged, for ordering notable items."""
        return self.likes + self.reposts * 3 + self.comments * 2 + self.views // 100


def from_source(src: Mapping[str, Any]) -> Doc:
    """Reads one `_source` dict; missing optional fields become None or empty."""
    author: Mapping[str, Any] = src.get("author") or {}
    reactions: Mapping[str, Any] = src.get("reactions") or {}
    nlp: Mapping[str, Any] = src.get("nlp") or {}
    created = parse_time(src.get("created_at"))
    if created is None:
        raise ValueError(f"нет created_at у документа {src.get('id')!r}")
    return Doc(
        id=str(src["id"]),
        source=str(src.get("source") or ""),
        kind=str(src.get("kind") or "post"),
        thread_id=str(src.get("thread_id") or src["id"]),
        parent_id=src.get("parent_id"),
        url=src.get("url"),
        author_id=None if author.get("id") is None else str(author.get("id")),
        author_name=author.get("name"),
        is_official=bool(author.get("is_official")),
        text=str(src.get("text") or ""),
        created_at=created,
        likes=_int(reactions.get("likes")),
        reposts=_int(reactions.get("reposts")),
        comments=_int(reactions.get("comments")),
        views=_int(reactions.get("views")),
        category=nlp.get("category"),
        sentiment=nlp.get("sentiment"),
        toxicity=_float(nlp.get("toxicity")) or 0.0,
        conflict=bool(nlp.get("conflict")),
        conflict_reasons=tuple(nlp.get("conflict_reasons") or ()),
        is_complaint=bool(nlp.get("is_complaint")),
        addresses=tuple(nlp.get("addresses") or ()),
        department=src.get("department"),
        status=src.get("status"),
        needs_response=bool(src.get("needs_response")),
        deadline=parse_time(src.get("deadline")),
        answered_at=parse_time(src.get("answered_at")),
        response_hours=_float(src.get("response_hours")),
        reply_id=src.get("reply_id"),
        reply_formal=_bool(src.get("reply_formal")),
        overdue=_bool(src.get("overdue")),
        incident_id=src.get("incident_id"),
    )
