"""Items that need a response: deadlines per source, kind, category, priority; stages; replies."""

from __future__ import annotations

import pytest
from alertkit import at, example_config, message, reply

from alerts.actions import Action
from alerts.engine import Engine, Outcome
from alerts.state import State

ENGINE = Engine(example_config())


def overdue(outcome: Outcome) -> list[tuple[str, str, str]]:
    return [
        (e.type, e.alert.labels.get("stage", ""), e.alert.severity)
        for e in outcome.alerts
        if e.alert.rule == "overdue"
    ]


@pytest.mark.parametrize(
    ("fields", "created", "rule", "deadline"),
    [
        (
            {"source": "vk", "question": True, "category": "roads"},
            "2026-03-06 16:00",
            "social",
            "2026-03-10 16:00",
        ),
        (
            {"source": "vk", "complaint": True, "conflict": True, "reasons": ("outrage",)},
            "2026-03-06 16:00",
            "social-high",
            "2026-03-10 11:00",
        ),
        (
            {"source": "telegram", "complaint": True},
            "2026-12-31 10:00",
            "social",
            "2027-01-11 18:00",
        ),
        (
            {"source": "pos", "kind": "appeal", "category": "housing"},
            "2026-12-31 10:00",
            "pos-urgent",
            "2027-01-11 18:00",
        ),
        (
            {"source": "pos", "kind": "appeal", "category": "roads"},
            "2026-03-10 10:00",
            "pos-roads",
            "2026-03-17 18:00",
        ),
        (
            {"source": "pos", "kind": "appeal", "category": "culture"},
            "2026-03-10 10:00",
            "pos",
            "2026-03-24 18:00",
        ),
        (
            {"source": "email", "kind": "appeal", "category": "social"},
            "2026-04-10 10:00",
            "appeal-59fz",
            "2026-05-12 18:00",
        ),
        (
            {"source": "site", "kind": "appeal", "category": "other"},
            "2026-03-10 10:00",
            "appeal-59fz",
            "2026-04-09 18:00",
        ),
    ],
)
def test_deadline_is_chosen_by_source_kind_category_priority(
    fields: dict[str, object], created: str, rule: str, deadline: str
) -> None:
    state = State()
    text = "Прошу сообщить сроки ремонта и принять меры"
    msg = message("vk:-1_1", text, created=created, **{"question": True, **fields})  # type: ignore[arg-type]
    out = ENGINE.on_message(state, msg, at(created))
    item = ENGINE.item(state, "vk:-1_1")
    assert item is not None
    assert (item.deadline_rule, item.deadline) == (rule, at(deadline))
    assert out.items[0]["deadline"] == at(deadline).isoformat()
    assert out.items[0]["needs_response"] is True


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("Спасибо коммунальщикам за чистые дворы!", {"sentiment": "positive"}),
        ("Сегодня в ДК концерт, приходите", {"sentiment": "neutral", "kind": "post"}),
        ("Ответ администрации: работы завершены", {"official": True, "complaint": True}),
    ],
)
def test_no_clock_without_a_need_to_respond(text: str, fields: dict[str, object]) -> None:
    state = State()
    out = ENGINE.on_message(state, message("vk:-1_2", text, **fields), at("2026-03-10 10:00"))  # type: ignore[arg-type]
    item = ENGINE.item(state, "vk:-1_2")
    # Chatter is an incident too (counted), but nobody must answer it.
    assert item is None or (not item.needs_response and item.state == "chatter")
    assert out.items == []


def _complaint(ident: str = "vk:-1_900", created: str = "2026-03-09 09:00") -> dict[str, object]:
    return message(
        ident,
        "Вторую неделю не вывозят мусор с контейнерной площадки на Энгельса, 20. Когда уберут?",
        created=created,
        complaint=True,
        question=True,
    )


def test_warning_overdue_escalated_then_reply_resolves() -> None:
    state = State()
    ENGINE.on_message(state, _complaint(), at("2026-03-09 09:00"))
    # 9 March 2026 is a holiday (8 March on Sunday): the clock starts on Tue 10 March 09:00.
    item = ENGINE.item(state, "vk:-1_900")
    assert item is not None and item.deadline == at("2026-03-10 18:00")
    assert overdue(ENGINE.on_tick(state, at("2026-03-10 15:59"))) == []
    assert overdue(ENGINE.on_tick(state, at("2026-03-10 16:00"))) == [
        ("firing", "warning", "warning")
    ]
    assert overdue(ENGINE.on_tick(state, at("2026-03-10 17:00"))) == []
    late = ENGINE.on_tick(state, at("2026-03-10 18:00"))
    assert overdue(late) == [("updated", "overdue", "critical")]
    assert late.items == [late.items[0]] and late.items[0]["overdue"] is True
    # Four working hours after the deadline: next day 13:00.
    assert overdue(ENGINE.on_tick(state, at("2026-03-11 12:59"))) == []
    assert overdue(ENGINE.on_tick(state, at("2026-03-11 13:00"))) == [
        ("updated", "escalated", "critical")
    ]
    answer = reply(
        "vk:-1_901",
        "vk:-1_900",
        "Региональный оператор вывезет мусор с площадки на Энгельса, 20 сегодня до 16:00.",
        "2026-03-11 14:00",
    )
    out = ENGINE.on_message(state, answer, at("2026-03-11 14:00"))
    assert overdue(out) == [("resolved", "escalated", "critical")]
    fields = out.items[0]
    assert fields["status"] == "answered"
    assert fields["overdue"] is True
    assert fields["reply_id"] == "vk:-1_901"
    assert fields["response_hours"] == 12.0
    assert ENGINE.active_alerts(state) == []


def test_formal_reply_is_interim_and_starts_the_final_clock() -> None:
    state = State()
    ENGINE.on_message(state, _complaint(created="2026-03-10 10:00"), at("2026-03-10 10:00"))
    ENGINE.on_tick(state, at("2026-03-10 17:00"))
    formal = reply(
        "vk:-1_902",
        "vk:-1_900",
        "Ваше обращение принято и находится на контроле.",
        "2026-03-10 17:30",
        formal=True,
    )
    out = ENGINE.on_message(state, formal, at("2026-03-10 17:30"))
    assert overdue(out) == [("resolved", "warning", "warning")]
    assert out.alerts[0].alert.resolution == "item_interim"
    item = ENGINE.item(state, "vk:-1_900")
    assert item is not None
    assert (item.status, item.stage, item.deadline) == ("interim", "final", at("2026-03-19 18:00"))
    assert out.items[0]["status"] == "open"
    assert out.items[0]["reply_formal"] is True
    assert overdue(ENGINE.on_tick(state, at("2026-03-19 18:00"))) == [
        ("firing", "overdue", "critical")
    ]


def test_responses_topic_interim_closed_and_ack() -> None:
    state = State()
    ENGINE.on_message(state, _complaint(created="2026-03-10 09:00"), at("2026-03-10 09:00"))
    fired = ENGINE.on_tick(state, at("2026-03-10 18:30"))
    assert overdue(fired) == [("firing", "overdue", "critical")]
    acked = ENGINE.on_response(
        state,
        {
            "item_id": "vk:-1_900",
            "status": "ack",
            "by": "bessonov",
            "at": "2026-03-10T18:40:00+05:00",
        },
        at("2026-03-10 18:40"),
    )
    assert [(e.type, e.alert.acked_by) for e in acked.alerts] == [("acknowledged", "bessonov")]
    interim = ENGINE.on_response(
        state,
        {
            "item_id": "vk:-1_900",
            "status": "interim",
            "at": "2026-03-11T09:30:00+05:00",
            "by": "bessonov",
        },
        at("2026-03-11 09:30"),
    )
    assert overdue(interim) == [("resolved", "overdue", "critical")]
    assert interim.alerts[0].alert.resolved_by == "bessonov"
    closed = ENGINE.on_response(
        state,
        {"item_id": "vk:-1_900", "status": "closed", "by": "romanyuk"},
        at("2026-03-12 10:00"),
    )
    assert closed.items[0]["status"] == "closed"
    assert overdue(ENGINE.on_tick(state, at("2026-04-01 10:00"))) == []
    assert (
        ENGINE.on_response(state, {"item_id": "nope", "status": "closed"}, at("2026-03-12 10:00"))
        == Outcome()
    )


def test_operator_resolve_of_overdue_closes_the_item() -> None:
    state = State()
    ENGINE.on_message(state, _complaint(created="2026-03-10 09:00"), at("2026-03-10 09:00"))
    (alert,) = [e.alert for e in ENGINE.on_tick(state, at("2026-03-10 19:00")).alerts]
    out = ENGINE.on_action(
        state,
        Action(alert.id, "resolve", "romanyuk", at("2026-03-10 19:05")),
        at("2026-03-10 19:05"),
    )
    assert overdue(out) == [("resolved", "overdue", "critical")]
    assert out.items[0]["status"] == "closed"
    assert overdue(ENGINE.on_tick(state, at("2026-03-12 10:00"))) == []


def test_answered_items_are_forgotten_after_retention() -> None:
    state = State()
    ENGINE.on_message(state, _complaint(created="2026-03-10 10:00"), at("2026-03-10 10:00"))
    ENGINE.on_message(
        state,
        reply("vk:-1_903", "vk:-1_900", "Мусор вывезен 10.03 в 15:00.", "2026-03-10 15:00"),
        at("2026-03-10 15:00"),
    )
    ENGINE.on_tick(state, at("2026-04-01 10:00"))
    assert ENGINE.item(state, "vk:-1_900") is not None
    ENGINE.on_tick(state, at("2026-04-10 10:00"))
    assert ENGINE.item(state, "vk:-1_900") is None
