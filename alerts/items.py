"""Items that await an official response: their clock, status and what the search index shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from alerts.calendar import WorkingTime
from alerts.durations import parse_duration
from alerts.message import Message
from alerts.timefmt import iso, opt_dt, opt_iso

ItemStatus = Literal["open", "interim", "answered", "closed", "not_required"]
Stage = Literal["first", "final"]
Change = Literal["interim", "answered", "closed"]
DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]
EXCERPT = 1000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NeedsResponseConfig(_Strict):
    kinds: list[str] = ["appeal"]
    sources: list[str] = ["pos"]
    complaints: bool = True
    questions: bool = True
    # Official messages never need a response; these kinds neither.
    skip_kinds: list[str] = ["reply"]


class PriorityConfig(_Strict):
    # A `priority` field on the message wins; otherwise these make it high.
    conflict_is_high: bool = True
    high_toxicity: float = Field(default=0.7, ge=0.0, le=1.0)


class ItemsConfig(_Strict):
    needs_response: NeedsResponseConfig = NeedsResponseConfig()
    priority: PriorityConfig = PriorityConfig()
    # A formulaic official reply («рассмотрим в установленном порядке») only stops the first clock.
    formal_reply_is_interim: bool = True
    # Answered items and resolved alerts are forgotten after this.
    retention: DurationField = timedelta(days=30)


def needs_response(msg: Message, cfg: NeedsResponseConfig) -> bool:
    if msg.is_official or msg.kind in cfg.skip_kinds:
        return False
    return (
        msg.kind in cfg.kinds
        or msg.source in cfg.sources
        or (cfg.complaints and msg.is_complaint)
        or (cfg.questions and msg.is_question)
    )


def priority_of(msg: Message, cfg: PriorityConfig) -> str:
    if msg.priority:
        return msg.priority
    if (cfg.conflict_is_high and msg.conflict) or msg.toxicity >= cfg.high_toxicity:
        return "high"
    return "normal"


@dataclass(frozen=True)
class Item:
    id: str
    source: str
    kind: str
    thread_id: str
    created_at: datetime
    updated_at: datetime
    needs_response: bool
    status: ItemStatus
    category: str | None = None
    department: str | None = None
    priority: str = "normal"
    author_id: str | None = None
    author_name: str | None = None
    url: str | None = None
    excerpt: str = ""
    stage: Stage = "first"
    deadline_rule: str | None = None
    span: str | None = None
    clock_start: datetime | None = None
    deadline: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    reply_id: str | None = None
    reply_formal: bool | None = None
    overdue: bool = False
    # Active alerts about this item: alert id -> rule name.
    alerts: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "interim")

    def evolve(self, **changes: Any) -> Item:
        return replace(self, **changes)

    def labels(self) -> dict[str, str]:
        labels = {
            "source": self.source,
            "kind": self.kind,
            "category": self.category or "",
            "department": self.department or "",
            "priority": self.priority,
        }
        return {k: v for k, v in labels.items() if v}

    @classmethod
    def from_message(cls, msg: Message, needs: bool, priority: str) -> Item:
        return cls(
            id=msg.id,
            source=msg.source,
            kind=msg.kind,
            thread_id=msg.thread_id,
            created_at=msg.created_at,
            updated_at=msg.created_at,
            needs_response=needs,
            status="open" if needs else "not_required",
            category=msg.category,
            department=msg.department,
            priority=priority,
            author_id=msg.author_id,
            author_name=msg.author_name,
            url=msg.url,
            excerpt=msg.text[:EXCERPT],
        )

    def index_fields(self, wt: WorkingTime) -> dict[str, Any]:
        """The fields the search index keeps per message (CONTRACTS.md)."""
        status = {"interim": "open"}.get(self.status, self.status)
        hours = (
            round(wt.working_hours_between(self.created_at, self.answered_at), 2)
            if self.answered_at is not None
            else None
        )
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "status": status,
            "needs_response": self.needs_response,
            "deadline": opt_iso(self.deadline),
            "answered_at": opt_iso(self.answered_at),
            "response_hours": hours,
            "reply_id": self.reply_id,
            "reply_formal": self.reply_formal,
            "overdue": self.overdue,
            "department": self.department,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "thread_id": self.thread_id,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "needs_response": self.needs_response,
            "status": self.status,
            "category": self.category,
            "department": self.department,
            "priority": self.priority,
            "author_id": self.author_id,
            "author_name": self.author_name,
            "url": self.url,
            "excerpt": self.excerpt,
            "stage": self.stage,
            "deadline_rule": self.deadline_rule,
            "span": self.span,
            "clock_start": opt_iso(self.clock_start),
            "deadline": opt_iso(self.deadline),
            "answered_at": opt_iso(self.answered_at),
            "closed_at": opt_iso(self.closed_at),
            "reply_id": self.reply_id,
            "reply_formal": self.reply_formal,
            "overdue": self.overdue,
            "alerts": dict(self.alerts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        return cls(
            id=data["id"],
            source=data["source"],
            kind=data["kind"],
            thread_id=data["thread_id"],
            created_at=datetime.fromisoformat(data["created_at"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            needs_response=bool(data["needs_response"]),
            status=cast(ItemStatus, data["status"]),
            category=data.get("category"),
            department=data.get("department"),
            priority=data.get("priority") or "normal",
            author_id=data.get("author_id"),
            author_name=data.get("author_name"),
            url=data.get("url"),
            excerpt=data.get("excerpt") or "",
            stage=cast(Stage, data.get("stage") or "first"),
            deadline_rule=data.get("deadline_rule"),
            span=data.get("span"),
            clock_start=opt_dt(data.get("clock_start")),
            deadline=opt_dt(data.get("deadline")),
            answered_at=opt_dt(data.get("answered_at")),
            closed_at=opt_dt(data.get("closed_at")),
            reply_id=data.get("reply_id"),
            reply_formal=data.get("reply_formal"),
            overdue=bool(data.get("overdue")),
            alerts=dict(data.get("alerts") or {}),
        )
