"""A tagged message as the rules see it: parsed once at the edge into a frozen dataclass."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from alerts.timefmt import parse_dt


class MessageError(ValueError):
    """A record the engine cannot use (no id)."""


@dataclass(frozen=True)
class Reactions:
    likes: int = 0
    reposts: int = 0
    comments: int = 0
    views: int = 0


@dataclass(frozen=True)
class Message:
    id: str
    source: str
    kind: str
    thread_id: str
    created_at: datetime
    text: str = ""
    parent_id: str | None = None
    url: str | None = None
    author_id: str | None = None
    author_name: str | None = None
    is_official: bool = False
    reactions: Reactions = Reactions()
    category: str | None = None
    sentiment: str | None = None
    toxicity: float = 0.0
    conflict: bool = False
    conflict_reasons: tuple[str, ...] = ()
    is_complaint: bool = False
    is_question: bool = False
    addresses: tuple[str, ...] = ()
    formal_reply: bool | None = None
    rude_reply: bool | None = None
    priority: str | None = None
    department: str | None = None
    # The reposted or forwarded original; edited / deleted when a source says so.
    original_id: str | None = None
    status: str | None = None

    @property
    def is_official_reply(self) -> bool:
        """An official's answer to someone: kind reply, or any official message under a parent."""
        return self.is_official and (self.kind == "reply" or self.parent_id is not None)

    def labels(self) -> dict[str, str]:
        """Labels for rule filters, deadlines and alerts."""
        labels = {
            "source": self.source,
            "kind": self.kind,
            "category": self.category or "",
            "department": self.department or "",
            "sentiment": self.sentiment or "",
            "priority": self.priority or "normal",
            "official": "true" if self.is_official else "false",
        }
        return {k: v for k, v in labels.items() if v}

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        tz: tzinfo,
        now: datetime,
        department_for: Callable[[str | None], str | None] = lambda _: None,
    ) -> Message:
        ident = data.get("id")
        if not ident:
            raise MessageError("message without id")
        author = data.get("author") or {}
        nlp = data.get("nlp") or {}
        reactions = data.get("reactions") or {}
        created = data.get("created_at")
        category = nlp.get("category") or None
        return cls(
            id=str(ident),
            source=str(data.get("source") or "unknown"),
            kind=str(data.get("kind") or "post"),
            thread_id=str(data.get("thread_id") or data.get("parent_id") or ident),
            created_at=parse_dt(created, tz) if created else now,
            text=str(data.get("text") or ""),
            parent_id=str(data["parent_id"]) if data.get("parent_id") else None,
            url=data.get("url"),
            author_id=str(author["id"]) if author.get("id") is not None else None,
            author_name=author.get("name"),
            is_official=bool(author.get("is_official")),
            reactions=Reactions(
                likes=_int(reactions.get("likes")),
                reposts=_int(reactions.get("reposts")),
                comments=_int(reactions.get("comments")),
                views=_int(reactions.get("views")),
            ),
            category=category,
            sentiment=nlp.get("sentiment"),
            toxicity=float(nlp.get("toxicity") or 0.0),
            conflict=bool(nlp.get("conflict")),
            conflict_reasons=tuple(nlp.get("conflict_reasons") or ()),
            is_complaint=bool(nlp.get("is_complaint")),
            is_question=bool(nlp.get("is_question")),
            addresses=tuple(nlp.get("addresses") or ()),
            formal_reply=nlp.get("formal_reply"),
            rude_reply=nlp.get("rude_reply"),
            priority=str(data["priority"]) if data.get("priority") else None,
            department=str(data["department"])
            if data.get("department")
            else department_for(category),
            original_id=str(data["original_id"]) if data.get("original_id") else None,
            status=str(data["status"]) if data.get("status") else None,
        )


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
