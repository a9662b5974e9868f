"""Items that await an official response: their clock, status and what the search index shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter

from alerts.calendar import WorkingTime
from alerts.durations import parse_duration
from alerts.message import Message
from alerts.timefmt import iso, opt_iso

ItemStatus = Literal["open", "interim", "answered", "closed", "not_required"]
Stage = Literal["first", "final"]
Change = Literal["interim", "answered", "closed"]
DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]
EXCERPT = 1000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriorityConfig(_Strict):
    # A `priority` field on the message wins; otherwise these make it high.
    conflict_is_high: bool = True
    high_toxicity: float = Field(default=0.7, ge=0.0, le=1.0)


class ItemsConfig(_Strict):
    priority: PriorityConfig = PriorityConfig()
    # A formulaic official reply («рассмотрим в установленном порядке») only stops the first clock.
    formal_reply_is_interim: bool = True
    # Answered incidents and resolved alerts are forgotten after this.
    retention: DurationField = timedelta(days=30)
    # Sent notifications are kept this long (longer than any repeat_interval): never sent twice.
    delivery_retention: DurationField = timedelta(days=1)
    # Incidents that need no response are forgotten this long after their last message.
    chatter_retention: DurationField = timedelta(days=3)


def priority_of(msg: Message, cfg: PriorityConfig) -> str:
    if msg.priority:
        return msg.priority
    if (cfg.conflict_is_high and msg.conflict) or msg.toxicity >= cfg.high_toxicity:
        return "high"
    return "normal"


IncidentState = Literal["new", "in_work", "answered", "resolved", "not_ours", "chatter"]


@dataclass(frozen=True)
class Item:
    """An incident: one problem, its messages, one response clock. Its id is its first message's
    id, so the first message's search document carries the incident's status for the ratings."""

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
    # Active alerts about this incident: alert id -> rule name.
    alerts: Mapping[str, str] = field(default_factory=dict)
    # The incident's growth: messages, distinct authors (ids remembered up to a bound), reach.
    messages: int = 1
    authors: tuple[str, ...] = ()
    authors_count: int = 0
    reach: float = 0.0
    last_at: datetime | None = None
    complaint: bool = False
    question: bool = False
    conflicts: int = 0
    toxicity: float = 0.0
    negatives: int = 0
    # Messages from an author who had already complained in this incident.
    repeats: int = 0
    complainers: Mapping[str, int] = field(default_factory=dict)
    addresses: tuple[str, ...] = ()
    original_id: str | None = None
    # Join keys that point to this incident (thread, original, category+address).
    keys: tuple[str, ...] = ()
    # The latest message ids (a re-delivered message is not counted twice).
    recent: tuple[str, ...] = ()
    page: str = ""
    # The response policy rule that requires an answer; None while none does.
    policy: str | None = None
    replies: int = 0
    taken: bool = False
    not_ours: bool = False
    # Opened by a message older than the backfill age: counted and rated, never paged.
    backfill: bool = False
    wake_at: datetime | None = None
    # The last deadline stage (warning, overdue, escalated) the overdue rule has acted on.
    stage_seen: str = ""
    # Working hours from the first message to the first official reaction.
    hours_to_answer: float | None = None

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "interim")

    @property
    def state(self) -> IncidentState:
        """new → in work → answered → resolved / closed as not ours; chatter needs nothing."""
        if self.status == "not_required":
            return "chatter"
        if self.status == "closed":
            return "not_ours" if self.not_ours else "resolved"
        if self.status == "answered":
            return "answered"
        return "in_work" if self.taken or self.status == "interim" else "new"

    @property
    def last_activity(self) -> datetime:
        return max(self.updated_at, self.last_at or self.created_at)

    def evolve(self, **changes: Any) -> Item:
        return replace(self, **changes)

    def labels(self) -> dict[str, str]:
        labels = {
            "source": self.source,
            "kind": self.kind,
            "category": self.category or "",
            "department": self.department or "",
            "priority": self.priority,
            "page": self.page,
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
            messages=0,
            original_id=msg.original_id,
        )

    def response_hours(self, wt: WorkingTime) -> float | None:
        if self.answered_at is None:
            return None
        if self.hours_to_answer is not None:
            return self.hours_to_answer
        return round(wt.working_hours_between(self.created_at, self.answered_at), 2)

    def index_fields(self, wt: WorkingTime) -> dict[str, Any]:
        """The fields the first message's search document keeps (CONTRACTS.md)."""
        status = {"interim": "open"}.get(self.status, self.status)
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "status": status,
            "needs_response": self.needs_response,
            "deadline": opt_iso(self.deadline),
            "answered_at": opt_iso(self.answered_at),
            "response_hours": self.response_hours(wt),
            "reply_id": self.reply_id,
            "reply_formal": self.reply_formal,
            "overdue": self.overdue,
            "department": self.department,
        }

    def document(self, wt: WorkingTime) -> dict[str, Any]:
        """The incident's document in the mcu-incidents index."""
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "last_at": opt_iso(self.last_at),
            "updated_at": iso(self.updated_at),
            "state": self.state,
            "status": {"interim": "open"}.get(self.status, self.status),
            "needs_response": self.needs_response,
            "policy": self.policy,
            "backfill": self.backfill,
            "source": self.source,
            "kind": self.kind,
            "page": self.page or None,
            "thread_id": self.thread_id,
            "original_id": self.original_id,
            "category": self.category,
            "department": self.department,
            "priority": self.priority,
            "addresses": list(self.addresses),
            "messages": self.messages,
            "authors": self.authors_count,
            "reach": round(self.reach, 1),
            "conflicts": self.conflicts,
            "repeats": self.repeats,
            "replies": self.replies,
            "excerpt": self.excerpt,
            "url": self.url,
            "deadline_rule": self.deadline_rule,
            "deadline": opt_iso(self.deadline),
            "answered_at": opt_iso(self.answered_at),
            "closed_at": opt_iso(self.closed_at),
            "response_hours": self.response_hours(wt),
            "reply_id": self.reply_id,
            "reply_formal": self.reply_formal,
            "overdue": self.overdue,
            "alerts": len(self.alerts),
        }

    def to_dict(self) -> dict[str, Any]:
        return cast(dict[str, Any], _ADAPTER.dump_python(self, mode="json"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        return _ADAPTER.validate_python(data)


_ADAPTER: TypeAdapter[Item] = TypeAdapter(Item)
