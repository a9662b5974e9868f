"""Route tree, grouping timers, silences, quiet hours, inhibition and the escalation chain."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alertkit import at, example_config

from alerts.model import Alert, AlertEvent, EventType, Severity
from alerts.notification import Notification
from alerts.router import Router
from alerts.silences import Silence
from alerts.state import State


def alert(
    ident: str,
    *,
    kind: str = "conflict",
    severity: Severity = "warning",
    department: str = "zhkh",
    category: str = "housing",
    item: str | None = None,
    members: tuple[str, ...] = (),
    started: str = "2026-03-10 10:00",
    text: str = "Третий день нет горячей воды в доме Энгельса, 20, управляющая компания молчит",
) -> Alert:
    return Alert(
        id=ident,
        rule=kind,
        kind=kind,
        subject=item or ident,
        status="firing",
        severity=severity,
        started_at=at(started),
        updated_at=at(started),
        labels={
            "rule": kind,
            "kind": kind,
            "severity": severity,
            "department": department,
            "category": category,
            "source": "vk",
        },
        annotations={
            "text": text,
            "message_id": item or f"vk:-1_{ident}",
            "source": "vk",
            "kind": "comment",
        },
        item_id=item,
        members=members,
    )


def send(
    router: Router, state: State, a: Alert, now: datetime, kind: EventType = "firing"
) -> list[Notification]:
    return router.on_event(state, AlertEvent(kind, a, now), now)


def resolve(router: Router, state: State, a: Alert, now: datetime) -> list[Notification]:
    done = a.evolve(
        status="resolved", resolved_at=now, resolution="item_answered", version=a.version + 1
    )
    return send(router, state, done, now, "resolved")


def who(notes: list[Notification]) -> set[tuple[str, str]]:
    return {(n.receiver, n.channel) for n in notes}


SIMPLE_ROUTE = {
    "receiver": "mcu",
    "group_by": ["kind"],
    "group_wait": "30s",
    "group_interval": "5m",
    "repeat_interval": "4h",
}


def test_group_wait_interval_repeat_and_resolved_notice() -> None:
    router, state = Router(example_config(route=SIMPLE_ROUTE)), State()
    a, b, c = alert("a1"), alert("b2"), alert("c3", started="2026-03-10 10:02")
    assert send(router, state, a, at("2026-03-10 10:00")) == []
    assert send(router, state, b, at("2026-03-10 10:00") + timedelta(seconds=10)) == []
    assert router.on_tick(state, at("2026-03-10 10:00") + timedelta(seconds=29)) == []
    first = router.on_tick(state, at("2026-03-10 10:00") + timedelta(seconds=30))
    # The duty chat once, members' mailboxes once each (the group has no mailbox of its own).
    assert who(first) == {("mcu", "telegram"), ("sentsova", "email"), ("romanyuk", "email")}
    chat = next(n for n in first if n.channel == "telegram")
    assert "Оповещений: 2" in chat.text
    assert [[b.callback_data for b in row] for row in chat.buttons] == [
        ["ack:a1", "res:a1"],
        ["ack:b2", "res:b2"],
    ]
    assert chat.seq == "1" and chat.key.endswith("|mcu|telegram|1")
    assert next(n for n in first if n.channel == "email").buttons == ()
    # A change goes out group_interval after the previous message, not before.
    assert send(router, state, c, at("2026-03-10 10:02")) == []
    assert router.on_tick(state, at("2026-03-10 10:05:29")) == []
    second = router.on_tick(state, at("2026-03-10 10:05:30"))
    assert {n.seq for n in second} == {"2"} and "Оповещений: 3" in second[0].text
    # Nothing changed: a reminder after repeat_interval.
    assert router.on_tick(state, at("2026-03-10 14:05:29")) == []
    assert {n.seq for n in router.on_tick(state, at("2026-03-10 14:05:30"))} == {"3"}
    assert resolve(router, state, a, at("2026-03-10 14:10")) == []
    partly = router.on_tick(state, at("2026-03-10 14:10:30"))
    assert partly[0].kind == "firing" and "Решено: Конфликтная ситуация" in partly[0].text
    assert "Причина: дан официальный ответ" in partly[0].text
    for x in (b, c):
        resolve(router, state, x, at("2026-03-10 14:11"))
    done = router.on_tick(state, at("2026-03-10 14:15:30"))
    assert {n.kind for n in done} == {"resolved"}
    assert done[0].title.startswith("[МЦУ] Решено: 2 оповещения")
    assert state.table("groups") == {} and state.table("routed") == {}


def test_department_receiver_and_continue() -> None:
    router, state = Router(example_config()), State()
    send(router, state, alert("x1", severity="critical"), at("2026-03-10 10:00"))
    notes = router.on_tick(state, at("2026-03-10 10:00:30"))
    assert who(notes) == {
        ("bessonov", "telegram"),
        ("bessonov", "email"),
        ("mcu", "telegram"),
        ("sentsova", "email"),
        ("romanyuk", "email"),
    }
    telegram = {n.address for n in notes if n.channel == "telegram"}
    assert telegram == {"100004", "-1001000000001"}


def test_email_only_person_gets_no_telegram() -> None:
    router, state = Router(example_config()), State()
    send(
        router,
        state,
        alert("h1", severity="critical", department="health", category="health"),
        at("2026-03-10 10:00"),
    )
    notes = router.on_tick(state, at("2026-03-10 10:00:30"))
    assert ("kuznetsov", "email") in who(notes)
    assert ("kuznetsov", "telegram") not in who(notes)


def test_silence_holds_notifications_until_it_ends() -> None:
    router, state = Router(example_config(route=SIMPLE_ROUTE)), State()
    router.add_silence(
        state,
        Silence.create(
            ['category="housing"'],
            at("2026-03-10 12:00"),
            "romanyuk",
            "авария на теплотрассе, ответ дан",
        ),
    )
    send(router, state, alert("s1"), at("2026-03-10 10:00"))
    send(router, state, alert("s2", category="roads", department="zhkh"), at("2026-03-10 10:00"))
    notes = router.on_tick(state, at("2026-03-10 10:00:30"))
    assert {n.alert_ids for n in notes} == {("s2",)}
    assert router.on_tick(state, at("2026-03-10 11:30")) == []
    after = router.on_tick(state, at("2026-03-10 12:01"))
    assert after and all(n.alert_ids == ("s1", "s2") for n in after)


def test_expired_silence_via_router() -> None:
    router, state = Router(example_config(route=SIMPLE_ROUTE)), State()
    silence = Silence.create(['kind="conflict"'], at("2026-03-11 12:00"), "romanyuk")
    router.add_silence(state, silence)
    assert [s.id for s in router.silences(state, at("2026-03-10 10:00"))] == [silence.id]
    assert router.expire_silence(state, silence.id, at("2026-03-10 10:00"))
    assert router.silences(state, at("2026-03-10 10:01")) == []
    assert not router.expire_silence(state, "nope", at("2026-03-10 10:01"))


def test_quiet_hours_hold_non_critical_until_morning() -> None:
    router, state = Router(example_config()), State()
    send(router, state, alert("n1"), at("2026-03-10 23:00"))
    assert router.on_tick(state, at("2026-03-10 23:00:30")) == []
    assert router.on_tick(state, at("2026-03-11 03:00")) == []
    morning = router.on_tick(state, at("2026-03-11 08:00"))
    assert who(morning) == {("mcu", "telegram"), ("sentsova", "email"), ("romanyuk", "email")}


def test_critical_goes_out_at_night() -> None:
    router, state = Router(example_config()), State()
    send(router, state, alert("n2", severity="critical"), at("2026-03-10 23:00"))
    assert ("bessonov", "telegram") in who(router.on_tick(state, at("2026-03-10 23:00:30")))


def test_quiet_hours_cover_weekends_and_holidays() -> None:
    router, state = Router(example_config()), State()
    # Monday 9 March 2026 is a day off (8 March fell on Sunday).
    send(router, state, alert("n3"), at("2026-03-09 12:00"))
    assert router.on_tick(state, at("2026-03-09 12:00:30")) == []
    assert router.on_tick(state, at("2026-03-10 08:00")) != []


def test_spike_inhibits_the_conflicts_it_contains() -> None:
    router, state = Router(example_config()), State()
    inside = alert("c1", item="vk:-1_1")
    outside = alert("c2", item="vk:-1_9")
    spike = alert(
        "sp", kind="spike", members=("vk:-1_1", "vk:-1_2", "vk:-1_3", "vk:-1_4", "vk:-1_5")
    )
    for a in (inside, outside, spike):
        send(router, state, a, at("2026-03-10 10:00"))
    notes = router.on_tick(state, at("2026-03-10 10:00:30"))
    sent = {i for n in notes for i in n.alert_ids}
    assert sent == {"c2", "sp"}
    # The spike ends: the conflict it muted is notified with the next group check.
    later = resolve(router, state, spike, at("2026-03-10 11:00"))
    later += router.on_tick(state, at("2026-03-10 11:00:30"))
    conflicts = [n for n in later if n.kind == "firing"]
    assert conflicts and {i for n in conflicts for i in n.alert_ids} == {"c1", "c2"}


def _critical_fired(router: Router, state: State) -> Alert:
    a = alert("e1", severity="critical")
    send(router, state, a, at("2026-03-10 10:00"))
    router.on_tick(state, at("2026-03-10 10:00:30"))
    return a


def test_escalation_executor_head_curator() -> None:
    router, state = Router(example_config()), State()
    _critical_fired(router, state)
    assert router.on_tick(state, at("2026-03-10 11:00:29")) == []
    head = router.on_tick(state, at("2026-03-10 11:00:30"))
    assert who(head) == {("sentsova", "telegram"), ("sentsova", "email")}
    assert all(n.kind == "escalation" and n.key.endswith("|esc1") for n in head)
    assert "Эскалация (уровень 1)" in head[0].text and "1 ч" in head[0].text
    assert router.on_tick(state, at("2026-03-10 12:00")) == []
    curator = router.on_tick(state, at("2026-03-10 13:00:30"))
    assert who(curator) == {("soboleva", "telegram"), ("soboleva", "email")}
    assert router.on_tick(state, at("2026-03-10 13:30")) == []


@pytest.mark.parametrize("event", ["acknowledged", "resolved"])
def test_ack_or_resolve_stops_escalation(event: EventType) -> None:
    router, state = Router(example_config()), State()
    a = _critical_fired(router, state)
    if event == "acknowledged":
        changed = a.evolve(acked_at=at("2026-03-10 10:30"), acked_by="bessonov")
    else:
        changed = a.evolve(status="resolved", resolved_at=at("2026-03-10 10:30"), version=2)
    send(router, state, changed, at("2026-03-10 10:30"), event)
    for moment in ("2026-03-10 11:00:30", "2026-03-10 13:00:30", "2026-03-11 10:00"):
        assert [n for n in router.on_tick(state, at(moment)) if n.kind == "escalation"] == []


def test_daytime_chain_waits_for_working_hours() -> None:
    router, state = Router(example_config()), State()
    send(router, state, alert("o1", kind="overdue"), at("2026-03-10 17:00"))
    first = router.on_tick(state, at("2026-03-10 17:00:30"))
    assert ("bessonov", "telegram") in who(first)
    assert router.on_tick(state, at("2026-03-10 21:00:30")) == []
    morning = router.on_tick(state, at("2026-03-11 08:00"))
    escalated = [n for n in morning if n.kind == "escalation"]
    assert who(escalated) == {("sentsova", "telegram"), ("sentsova", "email")}
    # The reminder muted at 21:00:30 goes out in the morning too.
    assert ("bessonov", "telegram") in who([n for n in morning if n.kind == "firing"])


def test_same_inputs_same_keys_and_no_duplicates() -> None:
    def run() -> list[str]:
        router, state = Router(example_config()), State()
        keys = [
            n.key
            for n in send(router, state, alert("k1", severity="critical"), at("2026-03-10 10:00"))
        ]
        keys += [n.key for n in router.on_tick(state, at("2026-03-10 10:00:30"))]
        keys += [n.key for n in router.on_tick(state, at("2026-03-10 10:00:30"))]
        keys += [n.key for n in router.on_tick(state, at("2026-03-10 11:00:30"))]
        return keys

    first, second = run(), run()
    assert first == second
    assert len(first) == len(set(first)) == 7


def test_next_wakeup() -> None:
    router, state = Router(example_config()), State()
    assert router.next_wakeup(state) is None
    send(router, state, alert("w1", severity="critical"), at("2026-03-10 10:00"))
    assert router.next_wakeup(state) == at("2026-03-10 10:00:30")
    router.on_tick(state, at("2026-03-10 10:00:30"))
    assert router.next_wakeup(state) == at("2026-03-10 11:00:30")


def test_alert_moves_with_its_labels() -> None:
    router, state = Router(example_config()), State()
    warning = alert("m1", kind="overdue")
    send(router, state, warning, at("2026-03-10 16:00"))
    first = router.on_tick(state, at("2026-03-10 16:00:30"))
    assert ("bessonov", "telegram") in who(first)
    critical = warning.evolve(
        severity="critical",
        labels={**warning.labels, "severity": "critical", "stage": "overdue"},
        version=2,
    )
    send(router, state, critical, at("2026-03-10 18:00"), "updated")
    notes = router.on_tick(state, at("2026-03-10 18:00:30"))
    # One message per receiver from the critical routes; the daytime groups let it go.
    assert sorted((n.receiver, n.channel) for n in notes) == sorted(
        [
            ("bessonov", "telegram"),
            ("bessonov", "email"),
            ("mcu", "telegram"),
            ("sentsova", "email"),
            ("romanyuk", "email"),
        ]
    )
    assert {g["route"] for g in state.table("groups").values()} == {"root.0", "root.1"}
