"""Incidents: what joins, who must answer, backfill, bounded state (pure, with a test clock)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.engine import Engine
from alerts.state import State
from tests.alerts.alertkit import at, example_config, message, reply

ENGINE = Engine(example_config())


def comment(n: int, text: str, thread: str = "vk:-1_100", **fields: object) -> dict[str, object]:
    return message(
        f"{thread}_{n}",
        text,
        thread=thread,
        parent=thread,
        author=(f"vk:{500 + n}", f"Житель {n}"),
        **fields,  # type: ignore[arg-type]
    )


def test_comments_of_a_thread_are_one_incident_with_one_deadline() -> None:
    state = State()
    texts = [
        "Третий день нет горячей воды на Ленина, 5, когда дадут?",
        "У нас тоже нет, дети немытые ходят!",
        "Позвонила в УК — никто не берёт трубку",
        "Сколько можно, каждую осень одно и то же",
    ]
    for n, text in enumerate(texts):
        ENGINE.on_message(
            state,
            comment(n, text, complaint=True, created=f"2026-03-10 10:0{n}"),
            at(f"2026-03-10 10:0{n}"),
        )
    incidents = list(state.table("incidents").values())
    assert len(incidents) == 1
    incident = ENGINE.item(state, incidents[0]["id"])
    assert incident is not None
    assert (incident.messages, incident.authors_count) == (4, 4)
    assert incident.needs_response and incident.policy == "own-pages"
    # 8 working hours from 10:00 with the lunch break: 10:00 the next day.
    assert incident.deadline == at("2026-03-11 10:00")


@pytest.mark.parametrize(
    ("second", "joins"),
    [
        # A repost of the original joins its incident.
        ({"id": "vk:-5_1", "original_id": "vk:-1_300", "thread_id": "vk:-5_1"}, True),
        # The same category at the same address, another public, the same day.
        ({"id": "vk:-7_9", "thread_id": "vk:-7_9", "addresses": ["улица Гагарина, 3"]}, True),
        # The same address, another category: another problem.
        (
            {
                "id": "vk:-7_10",
                "thread_id": "vk:-7_10",
                "addresses": ["улица Гагарина, 3"],
                "nlp_category": "education",
            },
            False,
        ),
        # Another thread without an address: another incident.
        ({"id": "vk:-7_11", "thread_id": "vk:-7_11"}, False),
    ],
)
def test_what_joins_an_incident(second: dict[str, object], joins: bool) -> None:
    state = State()
    first = message(
        "vk:-1_300",
        "Во дворе Гагарина, 3 прорвало трубу, вода хлещет на тротуар",
        kind="post",
        complaint=True,
        addresses=("улица Гагарина, 3",),
    )
    ENGINE.on_message(state, first, at("2026-03-10 10:05"))
    other = message(
        str(second["id"]),
        "Гагарина, 3 — до сих пор течёт, все во льду!",
        kind="post",
        complaint=True,
        author=("vk:42", "Другой житель"),
        created="2026-03-10 12:00",
        addresses=tuple(second.get("addresses", ())),  # type: ignore[arg-type]
        category=str(second.get("nlp_category", "housing")),
    )
    other["thread_id"] = second["thread_id"]
    if "original_id" in second:
        other["original_id"] = second["original_id"]
    out = ENGINE.on_message(state, other, at("2026-03-10 12:00"))
    assert (out.links[0][2] == "vk:-1_300") is joins


def test_a_message_seen_twice_counts_once_and_a_deleted_one_not_at_all() -> None:
    state = State()
    msg = comment(1, "Яма на Энгельса, 7 никуда не делась", complaint=True)
    for _ in range(3):
        ENGINE.on_message(state, msg, at("2026-03-10 10:05"))
    deleted = comment(2, "удалено", complaint=True) | {"status": "deleted"}
    ENGINE.on_message(state, deleted, at("2026-03-10 10:06"))
    (incident,) = state.table("incidents").values()
    assert incident["messages"] == 1


@pytest.mark.parametrize(
    ("fields", "policy"),
    [
        ({"source": "pos", "kind": "appeal"}, "pos"),
        ({"source": "email", "kind": "appeal"}, "appeals"),
        ({"source": "vk", "kind": "comment", "complaint": True}, "own-pages"),
        # Rude or irrelevant chatter on our own page: counted, nobody must answer.
        ({"source": "vk", "kind": "comment", "sentiment": "negative", "toxicity": 0.9}, None),
    ],
)
def test_who_must_answer(fields: dict[str, object], policy: str | None) -> None:
    state = State()
    ENGINE.on_message(
        state,
        message("vk:-1_77", "Текст обращения", **fields),  # type: ignore[arg-type]
        at("2026-03-10 10:00"),
    )
    incident = ENGINE.item(state, "vk:-1_77")
    assert incident is not None
    assert incident.policy == policy
    assert incident.needs_response is (policy is not None)


def test_a_complaint_in_another_public_needs_an_answer_once_it_reaches_people() -> None:
    state = State()
    post = message(
        "vk:-9_1",
        "На Пушкина, 10 неделю не вывозят мусор, крысы бегают",
        kind="post",
        complaint=True,
        addresses=("улица Пушкина, 10",),
    )
    ENGINE.on_message(state, post, at("2026-03-10 10:00"))
    assert not ENGINE.item(state, "vk:-9_1").needs_response  # type: ignore[union-attr]
    for n in range(20):
        follow = message(
            f"vk:-9_1_{n}",
            "Подтверждаю, на Пушкина, 10 ужас",
            kind="comment",
            thread="vk:-9_1",
            parent="vk:-9_1",
            author=(f"vk:{900 + n}", "Сосед"),
            created=f"2026-03-10 11:{n:02d}",
        )
        ENGINE.on_message(state, follow, at(f"2026-03-10 11:{n:02d}"))
    incident = ENGINE.item(state, "vk:-9_1")
    assert incident is not None and incident.policy == "other-publics"
    # The clock runs from when the incident reached people, not from the first post.
    assert incident.clock_start is not None and incident.clock_start > at("2026-03-10 10:00")


def test_an_official_reply_closes_the_deadline_of_the_whole_thread() -> None:
    state = State()
    for n in range(3):
        ENGINE.on_message(
            state, comment(n, "Когда починят лифт?", question=True), at("2026-03-10 10:05")
        )
    answer = reply("vk:-1_100_r", "vk:-1_100_2", "Лифт запустят 12.03.", "2026-03-10 11:00")
    # In VK a reply to a comment belongs to the post's thread.
    answer["thread_id"] = "vk:-1_100"
    out = ENGINE.on_message(state, answer, at("2026-03-10 11:00"))
    (incident,) = out.incidents
    assert incident["state"] == "answered" and incident["replies"] == 1
    assert out.items[0]["status"] == "answered"


def test_backfill_pages_nobody_but_is_rated_overdue() -> None:
    state = State()
    created = "2026-02-02 10:00"
    appeal = message(
        "pos:1",
        "Прошу отремонтировать подъезд на Мира, 4",
        source="pos",
        kind="appeal",
        created=created,
        complaint=True,
    )
    now = at("2026-03-10 10:00")
    out = ENGINE.on_message(state, appeal, now)
    assert out.alerts == []
    tick = ENGINE.on_tick(state, now + timedelta(seconds=10))
    assert tick.alerts == []
    incident = ENGINE.item(state, "pos:1")
    assert incident is not None and incident.backfill and incident.overdue
    assert tick.items and tick.items[0]["overdue"] is True


def test_a_hot_thread_raises_one_conflict_alert_not_one_per_comment() -> None:
    state = State()
    fired = []
    for n in range(30):
        out = ENGINE.on_message(
            state,
            comment(
                n,
                "Вы там совсем обнаглели?! Приду разбираться лично!",
                conflict=True,
                reasons=("aggression",),
                complaint=True,
                created="2026-03-10 10:00",
            ),
            at("2026-03-10 10:01"),
        )
        fired += [e for e in out.alerts if e.alert.rule == "conflict"]
    assert [e.type for e in fired].count("firing") == 1
    assert len(ENGINE.active_alerts(state)) <= 3


def test_answered_incidents_and_their_keys_are_forgotten_after_retention() -> None:
    state = State()
    ENGINE.on_message(state, comment(1, "Где автобус №5?", question=True), at("2026-03-10 10:00"))
    answer = reply("vk:-1_100_r", "vk:-1_100_1", "Автобус №5 идёт с 11:00.", "2026-03-10 10:30")
    answer["thread_id"] = "vk:-1_100"
    ENGINE.on_message(state, answer, at("2026-03-10 10:30"))
    assert state.table("keys")
    later = at("2026-03-10 10:30") + example_config().items.retention + timedelta(minutes=1)
    ENGINE.on_tick(state, later)
    assert dict(state.table("incidents")) == {}
    assert dict(state.table("keys")) == {}
