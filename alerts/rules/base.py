"""What every rule kind is: a spec, a typed config block, and hooks that return signals."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from alerts.deadlines import DeadlinePolicy
from alerts.durations import parse_duration
from alerts.items import Change, Item, ItemsConfig
from alerts.matchers import check_matcher, match_all, parse_matchers
from alerts.message import Message
from alerts.model import Alert, AlertEvent, Severity
from alerts.state import State
from incidents.wheel import Wheel

MatcherField = Annotated[str, AfterValidator(check_matcher)]
DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]
EXCERPT = 1000


class Strict(BaseModel):
    """Typed config blocks reject unknown keys so a typo stops the worker."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSpec(BaseModel):
    """Common part of a rule entry; the typed block sits under a key named like the kind."""

    model_config = ConfigDict(extra="allow", frozen=True)
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: str
    enabled: bool = True
    # Overrides the severity the rule would choose.
    severity: Severity | None = None
    labels: dict[str, str] = {}
    # Matchers on message labels: source, kind, category, department, sentiment, priority, official.
    filter: list[MatcherField] = []
    # An alert about an event (a conflict, a bad reply) resolves itself when its incident has
    # been quiet this long (Alertmanager's resolve_timeout); an event already that old when it
    # arrives raises nothing. None: it stays until answered or resolved by hand.
    resolve_after: DurationField | None = None

    def block(self) -> Any:
        return (self.model_extra or {}).get(self.kind)

    def stray_keys(self) -> list[str]:
        return [k for k in (self.model_extra or {}) if k != self.kind]


@dataclass(frozen=True)
class Fire:
    """Raise or update the alert of (rule, subject)."""

    subject: str
    severity: Severity
    at: datetime
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    item_id: str | None = None
    members: tuple[str, ...] = ()
    # Never raise again for this subject once resolved (per-message rules).
    once: bool = False
    # When the event behind it happened (for resolve_after); `at` when not given.
    last_at: datetime | None = None


@dataclass(frozen=True)
class Resolve:
    subject: str
    reason: str
    by: str | None = None


Signal = Fire | Resolve


class Context:
    """One engine call: the state, the clock value and what changed during the call."""

    def __init__(
        self, state: State, now: datetime, policy: DeadlinePolicy, items_config: ItemsConfig
    ) -> None:
        self.state = state
        self.now = now
        self.policy = policy
        self.items_config = items_config
        self.events: list[AlertEvent] = []
        self.touched: dict[str, Item] = {}
        self.links: list[tuple[str, str, str]] = []
        self.wheel = Wheel(state.table("wheel"))

    @property
    def items(self) -> MutableMapping[str, Any]:
        return self.state.table("incidents")

    def table(self, name: str) -> MutableMapping[str, Any]:
        return self.state.table(name)

    def item(self, item_id: str | None) -> Item | None:
        if not item_id:
            return None
        if item_id in self.touched:
            return self.touched[item_id]
        data = self.items.get(item_id)
        return Item.from_dict(data) if data is not None else None

    def save_item(self, item: Item) -> None:
        self.items[item.id] = item.to_dict()
        self.touched[item.id] = item

    def schedule(self, entry: str, at: datetime) -> None:
        """Wakes a rule's `on_wake(key)` (entry "r|rule|key") or an incident ("i|id") at `at`."""
        self.wheel.schedule(entry, at, self.now)

    def alert(self, alert_id: str) -> Alert | None:
        data = self.state.table("alerts").get(alert_id)
        return Alert.from_dict(data) if data is not None else None

    def active(self, rule: str, subject: str) -> Alert | None:
        entry = self.state.table("subjects").get(f"{rule}|{subject}")
        if entry is None or entry.get("resolved_at") is not None:
            return None
        return self.alert(entry["id"])

    def item_alerts(self, item: Item, rule: str) -> list[Alert]:
        found = (self.alert(a) for a, r in item.alerts.items() if r == rule)
        return [a for a in found if a is not None]

    def incident_of(self, key: str) -> Item | None:
        return self.item(self.state.table("keys").get(key))

    def target_of(self, msg: Message) -> Item | None:
        """The incident an official reply answers: its thread's, else its parent's."""
        target = self.incident_of(f"t|{msg.thread_id}")
        if target is None and msg.parent_id:
            target = self.item(msg.parent_id) or self.incident_of(f"t|{msg.parent_id}")
        return target


class Rule(Protocol):
    name: str
    spec: RuleSpec
    kind: ClassVar[str]
    closes_item_on_resolve: ClassVar[bool]
    # Also sees a message again when it comes back (an edit, grown reactions): counts nothing.
    sees_updates: ClassVar[bool]

    def accepts(self, labels: Mapping[str, str]) -> bool: ...

    def on_message(
        self, ctx: Context, msg: Message, incident: Item | None, now: datetime
    ) -> list[Signal]: ...

    def on_item(self, ctx: Context, item: Item, change: Change, now: datetime) -> list[Signal]: ...

    def on_due(self, ctx: Context, item: Item, now: datetime) -> list[Signal]: ...

    def next_due(self, ctx: Context, item: Item, now: datetime) -> datetime | None: ...

    def on_wake(self, ctx: Context, key: str, now: datetime) -> list[Signal]: ...

    def on_resolved(self, ctx: Context, alert: Alert, now: datetime) -> None: ...

    def severities(self) -> tuple[Severity, ...]: ...

    def static_labels(self) -> Mapping[str, str]: ...


ConfigT = TypeVar("ConfigT", bound=BaseModel)


class BaseRule(Generic[ConfigT]):
    """Defaults: per-incident alerts that an official reply or closing resolves; `config` is the
    rule kind's own typed block."""

    kind: ClassVar[str] = ""
    closes_item_on_resolve: ClassVar[bool] = False
    sees_updates: ClassVar[bool] = False
    resolve_on: ClassVar[frozenset[str]] = frozenset({"interim", "answered", "closed"})

    def __init__(self, spec: RuleSpec, config: ConfigT) -> None:
        self.spec = spec
        self.config = config
        self.name = spec.name
        self._filter = parse_matchers(spec.filter)

    def accepts(self, labels: Mapping[str, str]) -> bool:
        return match_all(self._filter, labels)

    def severity(self, chosen: Severity) -> Severity:
        return self.spec.severity or chosen

    def static_labels(self) -> Mapping[str, str]:
        return self.spec.labels

    def on_message(
        self, ctx: Context, msg: Message, incident: Item | None, now: datetime
    ) -> list[Signal]:
        return []

    def on_item(self, ctx: Context, item: Item, change: Change, now: datetime) -> list[Signal]:
        if change not in self.resolve_on:
            return []
        return [Resolve(a.subject, f"item_{change}") for a in ctx.item_alerts(item, self.name)]

    def on_due(self, ctx: Context, item: Item, now: datetime) -> list[Signal]:
        return []

    def next_due(self, ctx: Context, item: Item, now: datetime) -> datetime | None:
        return None

    def on_wake(self, ctx: Context, key: str, now: datetime) -> list[Signal]:
        return []

    def on_resolved(self, ctx: Context, alert: Alert, now: datetime) -> None:
        return None

    def severities(self) -> tuple[Severity, ...]:
        return (self.spec.severity,) if self.spec.severity else ("warning", "critical")


def grown(active: Alert | None, note: str, value: float, factor: float = 2.0) -> bool:
    """Whether an alert's counter grew enough to update it (doubling by default)."""
    if active is None:
        return True
    try:
        last = float(active.annotations.get(note, "0"))
    except ValueError:
        return True
    return value >= last * factor and value > last


def incident_annotations(incident: Item) -> dict[str, str]:
    """What a notification shows about an incident: its first message and how big it is."""
    notes = message_annotations(incident) | {
        "incident_id": incident.id,
        "incident_messages": str(incident.messages),
        "incident_authors": str(incident.authors_count),
    }
    if incident.addresses:
        notes["address"] = incident.addresses[0]
    return notes


def message_annotations(msg: Message | Item) -> dict[str, str]:
    """What a notification shows about the message (or tracked item) behind an alert."""
    text = msg.text if isinstance(msg, Message) else msg.excerpt
    notes = {
        "message_id": msg.id,
        "text": text[:EXCERPT],
        "url": msg.url or "",
        "author": msg.author_name or msg.author_id or "",
        "created_at": msg.created_at.isoformat(),
        "source": msg.source,
        "kind": msg.kind,
    }
    return {k: v for k, v in notes.items() if v}


def incident_labels(incident: Item) -> dict[str, str]:
    keep = ("source", "category", "department", "priority")
    return {k: v for k, v in incident.labels().items() if k in keep}


def message_labels(msg: Message) -> dict[str, str]:
    keep = ("source", "category", "department", "priority")
    return {k: v for k, v in msg.labels().items() if k in keep}
