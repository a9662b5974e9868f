"""The notify stage: groups alert events by route; waits, repeats, silences, inhibits, escalates."""

from __future__ import annotations

from collections.abc import Collection, Iterable, MutableMapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from alerts.config import AlertsConfig
from alerts.escalation import Escalation, EscalationChain
from alerts.inhibition import Inhibitor, InhibitRule
from alerts.matchers import match_all
from alerts.model import Alert, AlertEvent
from alerts.notification import Notification, NotificationKind, delivery_key
from alerts.pii import NO_MASK, PiiMask
from alerts.roster import Channel, Roster
from alerts.routes import Route, group_id, match_routes
from alerts.silences import Silence
from alerts.state import State
from alerts.templates import Rendered, Renderer
from alerts.timefmt import iso, opt_dt, require_aware
from alerts.timeintervals import TimeInterval

# Resolved alerts and ended silences are dropped this often (a scan), not on every tick.
FORGET_EVERY = timedelta(minutes=1)


class Router:
    """Pure notification planning over a State; the caller delivers what it returns."""

    def __init__(
        self,
        config: AlertsConfig,
        *,
        pii: PiiMask = NO_MASK,
        channels: Collection[Channel] | None = None,
    ) -> None:
        """`channels`: the ones the host can deliver to (None: all); others are not planned."""
        self.config = config
        self.channels = set(channels) if channels is not None else None
        self.roster = Roster(config.roster)
        self.root = config.root_route()
        self.routes = {r.id: r for r in self.root.walk()}
        self.inhibit_rules = [InhibitRule.from_config(c) for c in config.inhibit_rules]
        self.intervals = {
            t.name: TimeInterval(
                t.name, tuple(t.time_intervals), config.tz, config.production_calendar
            )
            for t in config.time_intervals
        }
        self.chains: dict[str, EscalationChain] = dict(config.escalations)
        self.static_silences = [Silence.from_config(s) for s in config.silences]
        self.renderer = Renderer(
            config.tz, config.links.message_url, self.roster.display_name, pii=pii
        )

    def on_event(self, state: State, event: AlertEvent, now: datetime) -> list[Notification]:
        now = require_aware(now)
        alert = event.alert
        routed = state.table("routed")
        routed[alert.id] = alert.to_dict()
        self._track_source(state, alert)
        escalations = state.table("escalations")
        if alert.id in escalations:
            if not alert.firing:
                del escalations[alert.id]
            elif alert.acked_at is not None:
                record = Escalation.from_dict(escalations[alert.id])
                escalations[alert.id] = replace(record, acked=True).to_dict()
        if event.type == "acknowledged":
            return self._flush_due(state, now)
        groups = state.table("groups")
        targets = [
            (route, *route.group(alert.labels)) for route in match_routes(self.root, alert.labels)
        ]
        self._leave_other_groups(groups, alert.id, {key for _, key, _ in targets})
        for route, key, labels in targets:
            group = groups.get(key) or {
                "route": route.id,
                "labels": labels,
                "alerts": [],
                "seq": 0,
                "first_at": iso(now),
                "last_flush": None,
                "next_flush": iso(now + route.group_wait),
                "notified": {},
            }
            members = list(group["alerts"])
            if alert.id not in members:
                members.append(alert.id)
            last = opt_dt(group["last_flush"])
            next_flush = opt_dt(group["next_flush"])
            if last is not None:
                soon = max(now, last + route.group_interval)
                next_flush = soon if next_flush is None else min(next_flush, soon)
            updated = {
                **group,
                "alerts": members,
                "next_flush": iso(next_flush) if next_flush else None,
            }
            if updated != groups.get(key):
                groups[key] = updated
        return self._flush_due(state, now)

    def _track_source(self, state: State, alert: Alert) -> None:
        """Alerts that can inhibit others, kept apart so a routing pass never scans all alerts."""
        sources = state.table("sources")
        if alert.firing and any(match_all(r.source, alert.labels) for r in self.inhibit_rules):
            sources[alert.id] = alert.to_dict()
        elif alert.id in sources:
            del sources[alert.id]

    def _leave_other_groups(
        self, groups: MutableMapping[str, Any], alert_ident: str, keep: set[str]
    ) -> None:
        """An alert whose labels changed (severity, stage) moves to the groups of its new routes."""
        for key in list(groups):
            group = groups[key]
            if key in keep or alert_ident not in group["alerts"]:
                continue
            members = [a for a in group["alerts"] if a != alert_ident]
            if not members:
                del groups[key]
                continue
            notified = {k: v for k, v in dict(group["notified"]).items() if k != alert_ident}
            groups[key] = {**group, "alerts": members, "notified": notified}

    def on_tick(self, state: State, now: datetime) -> list[Notification]:
        return self._flush_due(state, require_aware(now))

    def next_wakeup(self, state: State) -> datetime | None:
        """The earliest moment on_tick has something to do (for the host's timer)."""
        times = [opt_dt(g.get("next_flush")) for g in state.table("groups").values()]
        for data in state.table("escalations").values():
            record = Escalation.from_dict(data)
            chain = self.chains.get(record.chain)
            times.append(record.due_at(chain) if chain else None)
        known = [t for t in times if t is not None]
        return min(known) if known else None

    def add_silence(self, state: State, silence: Silence) -> None:
        state.table("silences")[silence.id] = silence.to_dict()

    def expire_silence(self, state: State, silence_id: str, now: datetime) -> bool:
        table = state.table("silences")
        if silence_id not in table:
            return False
        data = dict(table[silence_id])
        data["ends_at"] = iso(min(now, datetime.fromisoformat(data["ends_at"])))
        table[silence_id] = data
        return True

    def silences(self, state: State, now: datetime) -> list[Silence]:
        stored = [Silence.from_dict(d) for d in state.table("silences").values()]
        return [s for s in [*self.static_silences, *stored] if s.active(now)]

    def _flush_due(self, state: State, now: datetime) -> list[Notification]:
        out: list[Notification] = []
        groups = state.table("groups")
        checks = _Checks(self, state, now)
        for key in list(groups):
            due = opt_dt(groups[key].get("next_flush"))
            if due is not None and now >= due:
                out += self._flush(state, key, now, checks)
        out += self._escalate(state, now, checks)
        marks = state.table("marks")
        last = opt_dt(marks.get("forgot_at"))
        if last is None or now - last >= FORGET_EVERY:
            self._forget(state, now)
            marks["forgot_at"] = iso(now)
        return out

    def _muted(self, mute: Iterable[str], active: Iterable[str], now: datetime) -> bool:
        if any(self.intervals[name].contains(now) for name in mute):
            return True
        active = list(active)
        return bool(active) and not any(self.intervals[name].contains(now) for name in active)

    def _flush(self, state: State, key: str, now: datetime, checks: _Checks) -> list[Notification]:
        groups, routed = state.table("groups"), state.table("routed")
        group = dict(groups[key])
        route = self.routes.get(group["route"])
        if route is None:
            # The route left the config: the group goes with it.
            del groups[key]
            return []
        if self._muted(route.mute_time_intervals, route.active_time_intervals, now):
            return []
        alerts = [Alert.from_dict(routed[a]) for a in group["alerts"] if a in routed]
        notified: dict[str, int] = dict(group["notified"])
        held = [a for a in alerts if a.firing and checks.held(a)]
        held_ids = {a.id for a in held}
        firing = [a for a in alerts if a.firing and a.id not in held_ids]
        resolved = [a for a in alerts if not a.firing and a.id in notified]
        last = opt_dt(group["last_flush"])
        changed = any(notified.get(a.id) != a.version for a in firing) or (
            bool(resolved) and route.send_resolved
        )
        repeat = bool(firing) and last is not None and now >= last + route.repeat_interval
        out: list[Notification] = []
        if changed or repeat:
            seq = int(group["seq"]) + 1
            rendered = self.renderer.group(firing, resolved if route.send_resolved else [])
            kind: NotificationKind = "firing" if firing else "resolved"
            labels = dict(firing[0].labels if firing else resolved[0].labels)
            out = self._notifications(
                rendered,
                kind,
                route.receiver,
                labels,
                route.channels,
                group_id(key),
                str(seq),
                now,
                firing,
            )
            group.update(seq=seq, last_flush=iso(now), notified={a.id: a.version for a in firing})
            last = now
            if route.escalation:
                self._start_escalations(state, route, firing, now)
        keep = [a.id for a in alerts if a.firing]
        if not keep:
            del groups[key]
            return out
        next_flush = (last or now) + route.repeat_interval
        if held:
            # Silences end and inhibiting alerts resolve: look again after group_interval.
            next_flush = min(next_flush, now + route.group_interval)
        group.update(alerts=keep, next_flush=iso(next_flush))
        group["notified"] = {k: v for k, v in dict(group["notified"]).items() if k in keep}
        if group != groups.get(key):
            groups[key] = group
        return out

    def _start_escalations(
        self, state: State, route: Route, firing: list[Alert], now: datetime
    ) -> None:
        escalations = state.table("escalations")
        for alert in firing:
            if alert.id not in escalations and alert.acked_at is None and route.escalation:
                escalations[alert.id] = Escalation(alert.id, route.escalation, now).to_dict()

    def _escalate(self, state: State, now: datetime, checks: _Checks) -> list[Notification]:
        escalations, routed = state.table("escalations"), state.table("routed")
        out: list[Notification] = []
        for alert_ident in list(escalations):
            record = Escalation.from_dict(escalations[alert_ident])
            data = routed.get(alert_ident)
            chain = self.chains.get(record.chain)
            alert = Alert.from_dict(data) if data is not None else None
            if alert is None or not alert.firing or chain is None:
                del escalations[alert_ident]
                continue
            due = record.due_at(chain)
            if due is None or now < due or alert.acked_at is not None:
                continue
            if self._muted(chain.mute_time_intervals, chain.active_time_intervals, now):
                continue
            if checks.held(alert):
                continue
            step = chain.steps[record.level]
            level = record.level + 1
            rendered = self.renderer.escalation(alert, level, now - record.base)
            out += self._notifications(
                rendered,
                "escalation",
                step.receiver,
                dict(alert.labels),
                step.channels,
                alert.id,
                f"esc{level}",
                now,
                [alert],
            )
            escalations[alert_ident] = replace(record, level=level).to_dict()
        return out

    def _notifications(
        self,
        rendered: Rendered,
        kind: NotificationKind,
        receiver: str,
        labels: dict[str, str],
        channels: Iterable[Channel] | None,
        subject_id: str,
        seq: str,
        now: datetime,
        firing: list[Alert],
    ) -> list[Notification]:
        contacts = self.roster.contacts(
            receiver, labels, list(channels) if channels is not None else None
        )
        return [
            Notification(
                key=delivery_key(subject_id, c.id, c.channel, seq),
                kind=kind,
                channel=c.channel,
                address=c.address,
                receiver=c.id,
                receiver_name=c.name,
                subject_id=subject_id,
                seq=seq,
                title=rendered.title,
                text=rendered.text,
                html=rendered.html,
                created_at=now,
                buttons=rendered.buttons if c.channel == "telegram" else (),
                alert_ids=tuple(a.id for a in firing),
            )
            for c in contacts
            if self.channels is None or c.channel in self.channels
        ]

    def _forget(self, state: State, now: datetime) -> None:
        """Resolved alerts leave once no group or escalation needs them; silences after they end."""
        routed, groups, escalations = (
            state.table("routed"),
            state.table("groups"),
            state.table("escalations"),
        )
        referenced = {a for g in groups.values() for a in g["alerts"]} | set(escalations)
        for alert_ident in list(routed):
            if alert_ident not in referenced and routed[alert_ident]["status"] == "resolved":
                del routed[alert_ident]
        silences = state.table("silences")
        for silence_id in list(silences):
            if datetime.fromisoformat(silences[silence_id]["ends_at"]) < now - timedelta(days=1):
                del silences[silence_id]


class _Checks:
    """Silences and inhibitions of one routing pass, looked up only when something is due."""

    def __init__(self, router: Router, state: State, now: datetime) -> None:
        self.router, self.state, self.now = router, state, now
        self._silences: list[Silence] | None = None
        self._inhibitor: Inhibitor | None = None

    def held(self, alert: Alert) -> bool:
        if self._silences is None or self._inhibitor is None:
            sources = self.state.table("sources").values()
            firing = [a for a in (Alert.from_dict(d) for d in sources) if a.firing]
            self._silences = self.router.silences(self.state, self.now)
            self._inhibitor = Inhibitor(self.router.inhibit_rules, firing)
        silenced = any(s.silences(alert.labels, self.now) for s in self._silences)
        return silenced or self._inhibitor.inhibited(alert)
