"""The rules stage: messages, responses, actions, ticks in; alert events and item updates out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from alerts.actions import Action, ActionKind
from alerts.config import AlertsConfig
from alerts.deadlines import DeadlinePolicy, DeadlineRule
from alerts.items import Change, Item, priority_of
from alerts.message import Message
from alerts.model import Alert, AlertEvent, Severity, alert_id
from alerts.roster import Roster
from alerts.rules import Context, Fire, Resolve, Rule, Signal, build_rule
from alerts.state import State
from alerts.timefmt import iso, opt_dt, parse_dt, require_aware
from incidents.tracker import Incidents

_CHANGES: dict[str, Change] = {
    "interim": "interim",
    "answered": "answered",
    "closed": "closed",
    "resolved": "closed",
}


@dataclass(frozen=True)
class Outcome:
    """Alert events for mcu.alerts; incident documents and message links for the indexer."""

    alerts: list[AlertEvent] = field(default_factory=list)
    # Status fields of each changed incident's first message (the messages index).
    items: list[dict[str, Any]] = field(default_factory=list)
    # Documents of the changed incidents (the incidents index).
    incidents: list[dict[str, Any]] = field(default_factory=list)
    # (message id, its created_at, incident id): which incident a message joined.
    links: list[tuple[str, str, str]] = field(default_factory=list)


class Engine:
    """Pure rule evaluation over a State; time comes in as `now`, never from the clock."""

    def __init__(self, config: AlertsConfig, shard: str = "") -> None:
        self.config = config
        self.tz = config.tz
        self.wt = config.working_time()
        self.roster = Roster(config.roster)
        self.policy = DeadlinePolicy(
            [DeadlineRule.from_config(d) for d in config.deadlines], self.wt
        )
        self.rules: list[Rule] = [
            build_rule(spec, config.rule_block(spec.name)) for spec in config.rules if spec.enabled
        ]
        self._by_name = {r.name: r for r in self.rules}
        self.incidents = Incidents(config.incidents, config.items, self.policy)
        self._keep_alerts = config.items.retention
        # Alert ids of this state shard (a partition) start with it, so ids never collide.
        self.shard = shard

    def department_for(self, category: str | None) -> str | None:
        return self.roster.department_for(category)

    def rule_severities(self) -> list[tuple[str, Severity]]:
        """(rule name, severity) pairs an alert can have: for zero-initialised metrics."""
        return [(r.name, s) for r in self.rules for s in r.severities()]

    def on_message(self, state: State, tagged: Mapping[str, Any], now: datetime) -> Outcome:
        ctx = self._context(state, now)
        msg = Message.from_dict(tagged, self.tz, now, self.roster.department_for)
        msg = replace(msg, priority=priority_of(msg, self.config.items.priority))
        incident: Item | None
        fresh = True
        if msg.is_official_reply:
            incident = ctx.target_of(msg)
            if incident is not None:
                incident = incident.evolve(replies=incident.replies + 1)
                ctx.save_item(incident)
                formal = bool(msg.formal_reply) and self.config.items.formal_reply_is_interim
                change: Change = "interim" if formal else "answered"
                self._change(
                    ctx, incident, change, msg.created_at, msg.id, msg.formal_reply, msg.author_name
                )
                incident = ctx.item(incident.id)
        elif msg.is_official:
            incident = None
        else:
            incident, fresh = self.incidents.take(ctx, msg, now)
        if incident is not None:
            ctx.links.append((msg.id, iso(msg.created_at), incident.id))
        labels = msg.labels()
        for rule in self.rules if fresh else [r for r in self.rules if r.sees_updates]:
            if rule.accepts(labels):
                for signal in rule.on_message(ctx, msg, incident, now):
                    self._apply(ctx, rule, signal, msg)
        self._settle(ctx)
        return self._outcome(ctx)

    def on_response(self, state: State, response: Mapping[str, Any], now: datetime) -> Outcome:
        """A mcu.responses record: {item_id | alert_id, status, at, by, reply_id}.

        status: answered | interim | closed | ack (resolved = closed).
        """
        status = str(response.get("status", ""))
        at = parse_dt(response["at"], self.tz) if response.get("at") else now
        by = str(response.get("by") or "")
        if response.get("alert_id"):
            kind: ActionKind = "ack" if status == "ack" else "resolve"
            action = Action(str(response["alert_id"]), kind, by, at, "responses")
            return self.on_action(state, action, now)
        ctx = self._context(state, now)
        ident = str(response.get("incident_id") or response.get("item_id") or "")
        item = ctx.item(ident) or ctx.incident_of(f"t|{ident}")
        if item is None:
            return Outcome()
        if status == "not_ours":
            ctx.save_item(item.evolve(not_ours=True))
            item = ctx.item(item.id) or item
            status = "closed"
        if status == "ack":
            for alert_ident in list(item.alerts):
                self._ack(ctx, alert_ident, by, at)
        elif status in _CHANGES:
            formal = response.get("formal")
            self._change(
                ctx,
                item,
                _CHANGES[status],
                at,
                response.get("reply_id"),
                formal if isinstance(formal, bool) else None,
                by,
            )
        self._settle(ctx)
        return self._outcome(ctx)

    def on_action(self, state: State, action: Action, now: datetime) -> Outcome:
        """«Взять в работу» acknowledges (stops escalation); «Решено» resolves."""
        ctx = self._context(state, now)
        if action.action == "ack":
            self._ack(ctx, action.alert_id, action.by, action.at)
            self._settle(ctx)
            return self._outcome(ctx)
        alert = ctx.alert(action.alert_id)
        if alert is None:
            return Outcome()
        rule = self._by_name.get(alert.rule)
        self._resolve(ctx, alert, "operator", action.by)
        if rule is not None:
            rule.on_resolved(ctx, alert, now)
            if rule.closes_item_on_resolve:
                item = ctx.item(alert.item_id)
                if item is not None and item.is_open:
                    self._change(ctx, item, "closed", action.at, None, None, action.by)
        self._settle(ctx)
        return self._outcome(ctx)

    def on_tick(self, state: State, now: datetime) -> Outcome:
        """What is due by now: deadlines, window expiry, forgetting. Costs O(due), not O(state)."""
        ctx = self._context(state, now)
        for entry in ctx.wheel.pop_due(now):
            kind, _, rest = entry.partition("|")
            if kind == "i":
                self._wake(ctx, rest, now)
            elif kind == "r":
                name, _, key = rest.partition("|")
                rule = self._by_name.get(name)
                if rule is not None:
                    for signal in rule.on_wake(ctx, key, now):
                        self._apply(ctx, rule, signal, None)
            elif kind == "s":
                self._forget_subject(ctx, rest, now)
            elif kind == "q":
                self._quiet(ctx, rest, now)
        self._settle(ctx)
        return self._outcome(ctx)

    def _wake(self, ctx: Context, incident_id: str, now: datetime) -> None:
        item = ctx.item(incident_id)
        if item is None or (item.wake_at is not None and item.wake_at > now):
            return  # forgotten, or a stale entry: the incident moved its wake-up
        for rule in self.rules:
            for signal in rule.on_due(ctx, item, now):
                self._apply(ctx, rule, signal, None)
            item = ctx.item(incident_id) or item
        if self._expired(item, now):
            self.incidents.forget(ctx, item)
            for rule in self.rules:
                ctx.table("subjects").pop(f"{rule.name}|{item.id}", None)
            return
        ctx.touched.setdefault(item.id, item)

    def _expired(self, item: Item, now: datetime) -> bool:
        if item.is_open or item.alerts:
            return False
        return item.last_activity <= now - self._keep(item)

    def _keep(self, item: Item) -> timedelta:
        cfg = self.config.items
        return cfg.chatter_retention if item.status == "not_required" else cfg.retention

    def _settle(self, ctx: Context) -> None:
        """Every incident changed in this call gets its next wake-up in the wheel."""
        for ident in list(ctx.touched):
            item = ctx.item(ident)
            if item is None:
                ctx.touched.pop(ident)
                continue
            times = [rule.next_due(ctx, item, ctx.now) for rule in self.rules]
            if not item.is_open and not item.alerts:
                times.append(item.last_activity + self._keep(item))
            known = [t for t in times if t is not None]
            wake = min(known) if known else None
            pending = item.wake_at
            if wake is not None and pending is not None and ctx.now < pending <= wake:
                wake = pending  # an earlier wake-up is still set: it checks and moves on
            if wake != item.wake_at:
                item = item.evolve(wake_at=wake)
                ctx.save_item(item)
                if wake is not None:
                    ctx.schedule(f"i|{item.id}", wake)
            ctx.touched[ident] = item

    def _quiet(self, ctx: Context, key: str, now: datetime) -> None:
        """Resolves an event alert whose incident has been quiet for the rule's resolve_after."""
        name, _, subject = key.partition("|")
        rule = self._by_name.get(name)
        entry = ctx.table("subjects").get(key)
        if rule is None or entry is None or entry.get("resolved_at") is not None:
            return
        after = rule.spec.resolve_after
        last = opt_dt(entry.get("last_at"))
        if after is None or last is None:
            return
        if last + after > now:
            ctx.schedule(f"q|{key}", last + after)
            return
        alert = ctx.active(name, subject)
        if alert is not None:
            self._resolve(ctx, alert, "quiet", None)

    def _forget_subject(self, ctx: Context, key: str, now: datetime) -> None:
        subjects = ctx.table("subjects")
        entry = subjects.get(key)
        resolved_at = entry.get("resolved_at") if entry else None
        if (
            resolved_at is not None
            and datetime.fromisoformat(resolved_at) <= now - self._keep_alerts
        ):
            del subjects[key]

    def active_alerts(self, state: State) -> list[Alert]:
        alerts = [Alert.from_dict(d) for d in state.table("alerts").values()]
        return sorted(alerts, key=lambda a: a.started_at)

    def item(self, state: State, item_id: str) -> Item | None:
        data = state.table("incidents").get(item_id)
        return Item.from_dict(data) if data is not None else None

    def _context(self, state: State, now: datetime) -> Context:
        return Context(state, require_aware(now), self.policy, self.config.items)

    def _outcome(self, ctx: Context) -> Outcome:
        touched = list(ctx.touched.values())
        items = [i.index_fields(self.wt) for i in touched if i.needs_response or i.reply_id]
        incidents = [i.document(self.wt) for i in touched]
        return Outcome(list(ctx.events), items, incidents, list(ctx.links))

    def _change(
        self,
        ctx: Context,
        item: Item,
        change: Change,
        at: datetime,
        reply_id: str | None,
        formal: bool | None,
        by: str | None,
    ) -> None:
        """An official reaction stops or restarts the clock; then rules resolve their alerts."""
        late = item.deadline is not None and at > item.deadline
        if item.is_open:
            updated = self._next_status(item, change, at, reply_id, formal, late)
            if updated is None:
                return
            item = updated
            ctx.save_item(item)
        elif item.status != "not_required":
            return
        for rule in self.rules:
            for signal in rule.on_item(ctx, item, change, ctx.now):
                if isinstance(signal, Resolve) and signal.by is None:
                    signal = replace(signal, by=by or None)
                self._apply(ctx, rule, signal, None)

    def _next_status(
        self,
        item: Item,
        change: Change,
        at: datetime,
        reply_id: str | None,
        formal: bool | None,
        late: bool,
    ) -> Item | None:
        answered = item.answered_at or at
        common: dict[str, Any] = {
            "updated_at": at,
            "overdue": item.overdue or late,
            "answered_at": answered,
            "hours_to_answer": round(self.wt.working_hours_between(item.created_at, answered), 2),
            "reply_id": reply_id or item.reply_id,
            "reply_formal": formal if reply_id else item.reply_formal,
        }
        if change == "interim":
            if item.status != "open":
                return None
            rule = self.policy.rule_named(item.deadline_rule)
            final = rule.final_answer if rule is not None else None
            if final is None:
                return item.evolve(status="answered", **common)
            return item.evolve(
                status="interim",
                stage="final",
                span=str(final),
                clock_start=at,
                deadline=self.policy.due(at, final),
                **common,
            )
        if change == "answered":
            return item.evolve(status="answered", **common)
        return item.evolve(
            status="closed",
            closed_at=at,
            **{**common, "answered_at": item.answered_at, "hours_to_answer": item.hours_to_answer},
        )

    def _apply(self, ctx: Context, rule: Rule, signal: Signal, msg: Message | None) -> None:
        if isinstance(signal, Resolve):
            alert = ctx.active(rule.name, signal.subject)
            if alert is not None:
                self._resolve(ctx, alert, signal.reason, signal.by)
            return
        self._fire(ctx, rule, signal, msg)

    def _fire(self, ctx: Context, rule: Rule, fire: Fire, msg: Message | None) -> None:
        target = ctx.item(fire.item_id)
        if target is not None and target.backfill and not self.config.incidents.page_backfill:
            return  # backfill: counted and rated, nobody is paged about the past
        subjects, alerts = ctx.table("subjects"), ctx.table("alerts")
        key = f"{rule.name}|{fire.subject}"
        happened = fire.last_at or fire.at
        quiet = rule.spec.resolve_after
        if quiet is not None and happened + quiet <= ctx.now:
            return  # an event already older than its alert would live: history, not a page
        labels = {
            **fire.labels,
            **rule.static_labels(),
            "rule": rule.name,
            "kind": rule.kind,
            "severity": fire.severity,
        }
        entry = subjects.get(key)
        if entry is not None and entry.get("resolved_at") is None:
            seen = opt_dt(entry.get("last_at"))
            if quiet is not None and (seen is None or happened > seen):
                subjects[key] = {**entry, "last_at": iso(happened)}
                ctx.schedule(f"q|{key}", happened + quiet)
            current = Alert.from_dict(alerts[entry["id"]])
            if (
                current.severity == fire.severity
                and dict(current.labels) == labels
                and dict(current.annotations) == dict(fire.annotations)
                and current.members == fire.members
            ):
                return
            updated = current.evolve(
                severity=fire.severity,
                labels=labels,
                annotations=dict(fire.annotations),
                members=fire.members,
                updated_at=ctx.now,
                version=current.version + 1,
            )
            alerts[updated.id] = updated.to_dict()
            ctx.events.append(AlertEvent("updated", updated, ctx.now))
            return
        if entry is not None and fire.once:
            return
        alert = Alert(
            id=alert_id(rule.name, fire.subject, fire.at, self.shard),
            rule=rule.name,
            kind=rule.kind,
            subject=fire.subject,
            status="firing",
            severity=fire.severity,
            started_at=fire.at,
            updated_at=ctx.now,
            labels=labels,
            annotations=dict(fire.annotations),
            item_id=fire.item_id,
            members=fire.members,
        )
        alerts[alert.id] = alert.to_dict()
        subjects[key] = {"id": alert.id, "resolved_at": None, "last_at": iso(happened)}
        if quiet is not None:
            ctx.schedule(f"q|{key}", happened + quiet)
        self._link(ctx, alert, msg)
        ctx.events.append(AlertEvent("firing", alert, ctx.now))

    def _link(self, ctx: Context, alert: Alert, msg: Message | None) -> None:
        """Remembers the alert on its item so a reply can resolve it; creates the item if needed."""
        if alert.item_id is None:
            return
        item = ctx.item(alert.item_id)
        if item is None and msg is not None and msg.id == alert.item_id:
            item = Item.from_message(msg, False, msg.priority or "normal")
        if item is not None:
            ctx.save_item(item.evolve(alerts={**item.alerts, alert.id: alert.rule}))

    def _resolve(self, ctx: Context, alert: Alert, reason: str, by: str | None) -> None:
        resolved = alert.evolve(
            status="resolved",
            resolved_at=ctx.now,
            resolved_by=by,
            resolution=reason,
            updated_at=ctx.now,
            version=alert.version + 1,
        )
        ctx.table("alerts").pop(alert.id, None)
        ctx.table("subjects")[f"{alert.rule}|{alert.subject}"] = {
            "id": alert.id,
            "resolved_at": iso(ctx.now),
        }
        ctx.schedule(f"s|{alert.rule}|{alert.subject}", ctx.now + self._keep_alerts)
        item = ctx.item(alert.item_id)
        if item is not None and alert.id in item.alerts:
            ctx.save_item(
                item.evolve(alerts={k: v for k, v in item.alerts.items() if k != alert.id})
            )
        ctx.events.append(AlertEvent("resolved", resolved, ctx.now))

    def _ack(self, ctx: Context, alert_ident: str, by: str, at: datetime) -> None:
        alert = ctx.alert(alert_ident)
        if alert is None or alert.acked_at is not None:
            return
        acked = alert.evolve(acked_at=at, acked_by=by)
        ctx.table("alerts")[alert.id] = acked.to_dict()
        item = ctx.item(alert.item_id)
        if item is not None and not item.taken:
            ctx.save_item(item.evolve(taken=True, updated_at=at))
        ctx.events.append(AlertEvent("acknowledged", acked, ctx.now))
