from datetime import date, datetime
from typing import Any

import pytest
from docfactory import NAMES, build_doc

from reports.documents import from_source
from reports.names import Names
from reports.period import Period
from reports.ratings import compute_ratings, format_table, percentile, to_csv

MARCH = Period.from_dates(date(2026, 3, 16), date(2026, 3, 20))
AS_OF = datetime.fromisoformat("2026-03-21T00:00+05:00")
APPEAL = "Во дворе дома на Ленина, 12 уже неделю не вывозят мусор, когда это прекратится?"


def rate(sources: list[dict[str, Any]], **kwargs: Any) -> list[Any]:
    return compute_ratings([from_source(s) for s in sources], MARCH, as_of=AS_OF, **kwargs)


@pytest.mark.parametrize(
    ("item", "received", "due", "on_time"),
    [
        # Answered two hours before the deadline.
        (
            {"deadline": "2026-03-17T10:00+05:00", "answered_at": "2026-03-17T08:00+05:00"},
            1,
            1,
            1,
        ),
        # Answered a day late.
        (
            {"deadline": "2026-03-17T10:00+05:00", "answered_at": "2026-03-18T10:00+05:00"},
            1,
            1,
            0,
        ),
        # Not answered, the deadline passed before the end of the period.
        ({"deadline": "2026-03-19T10:00+05:00"}, 1, 1, 0),
        # Not answered, still time left: not counted against the department.
        ({"deadline": "2026-03-24T10:00+05:00"}, 1, 0, 0),
    ],
)
def test_on_time(item: dict[str, Any], received: int, due: int, on_time: int) -> None:
    doc = build_doc("vk:-1_10", APPEAL, needs_response=True, **item)
    [row] = rate([doc])
    assert (row.received, row.due, row.on_time) == (received, due, on_time)
    assert row.on_time_share == (on_time / due if due else None)


@pytest.mark.parametrize(
    ("doc", "received"),
    [
        (build_doc("vk:-1_11", "Спасибо за новую площадку на Свердлова!"), 1),
        # The official's own reply is not a message received.
        (build_doc("vk:-1_12", "Заявка передана подрядчику.", kind="reply", official=True), 0),
        # A post of the municipality's page is not a citizen message either.
        (
            build_doc("vk:-1_13", "Уважаемые жители! Отключение воды.", kind="post", official=True),
            0,
        ),
        # Outside the period.
        (build_doc("vk:-1_14", APPEAL, created="2026-03-21T09:00+05:00"), 0),
    ],
)
def test_received_counts_citizen_messages_of_the_period(doc: dict[str, Any], received: int) -> None:
    rows = rate([doc], departments=["zhkh"])
    assert rows[0].received == received


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [
        ([4.0], 4.0, 4.0),
        ([1.0, 2.0, 3.0, 4.0, 10.0], 3.0, 7.6),
        ([2.0, 8.0], 5.0, 7.4),
        ([], None, None),
    ],
)
def test_percentiles(values: list[float], median: float | None, p90: float | None) -> None:
    assert percentile(values, 50) == (None if median is None else pytest.approx(median))
    assert percentile(values, 90) == (None if p90 is None else pytest.approx(p90))


def test_response_hours_from_the_document_or_the_working_calendar() -> None:
    docs = [
        build_doc(
            "vk:-1_20",
            APPEAL,
            needs_response=True,
            answered_at="2026-03-17T12:00+05:00",
            response_hours=5.0,
        ),
        # No response_hours stored: Friday 16:00 → Monday 09:00 is 2 working hours.
        build_doc(
            "vk:-1_21",
            "Когда починят фонари на улице Карла Маркса?",
            created="2026-03-20T16:00+05:00",
            needs_response=True,
            answered_at="2026-03-23T09:00+05:00",
        ),
    ]
    [row] = rate(docs)
    assert row.answered == 2
    assert row.median_hours == pytest.approx(3.5)


@pytest.mark.parametrize(
    ("formal", "completeness"),
    [
        ([False, False, False, True], 0.75),
        ([True, True], 0.0),
        ([None, False], 1.0),
        ([None], None),
    ],
)
def test_completeness_is_the_share_of_substantive_replies(
    formal: list[bool | None], completeness: float | None
) -> None:
    docs = [
        build_doc(
            f"vk:-1_3{i}",
            APPEAL,
            needs_response=True,
            answered_at="2026-03-17T12:00+05:00",
            reply_formal=f,
        )
        for i, f in enumerate(formal)
    ]
    [row] = rate(docs)
    assert row.completeness == completeness


ANSWERED = {
    "needs_response": True,
    "answered_at": "2026-03-17T12:00+05:00",
    "reply_id": "vk:-1_41",
    "thread": "vk:-1_1",
    "author": "id777",
}


@pytest.mark.parametrize(
    ("reaction", "reply_likes", "satisfaction"),
    [
        (
            {
                "text": "Спасибо большое, мусор вывезли, во дворе чисто!",
                "sentiment": "positive",
                "author": "id777",
                "parent": "vk:-1_41",
            },
            0,
            1.0,
        ),
        (
            {
                "text": "Опять отписка, ничего не сделано, буду писать в прокуратуру.",
                "sentiment": "negative",
                "complaint": True,
                "author": "id777",
                "parent": "vk:-1_41",
            },
            3,
            0.0,
        ),
        # Somebody else's grumbling elsewhere in the thread is not a reaction to the reply.
        (
            {
                "text": "А у нас на Гагарина вообще никто не убирает.",
                "sentiment": "negative",
                "author": "id900",
                "parent": "vk:-1_1",
            },
            0,
            None,
        ),
        # No follow-up, but citizens liked the reply.
        (None, 2, 1.0),
        # A thank-you ten days later is outside the 7-day window.
        (
            {
                "text": "Спасибо, всё сделали.",
                "sentiment": "positive",
                "author": "id777",
                "created": "2026-03-27T12:00+05:00",
            },
            0,
            None,
        ),
    ],
)
def test_satisfaction_from_reactions_after_the_reply(
    reaction: dict[str, Any] | None, reply_likes: int, satisfaction: float | None
) -> None:
    item = build_doc("vk:-1_40", APPEAL, **ANSWERED)
    reply = build_doc(
        "vk:-1_41",
        "Здравствуйте! Вывоз мусора организован, контейнерная площадка убрана.",
        kind="reply",
        official=True,
        author="club1",
        created="2026-03-17T12:00+05:00",
        parent="vk:-1_40",
        likes=reply_likes,
    )
    docs = [item, reply]
    if reaction is not None:
        fields = {"created": "2026-03-17T15:00+05:00", **reaction}
        docs.append(build_doc("vk:-1_42", fields.pop("text"), **fields))
    [row] = rate(docs)
    assert row.satisfaction == satisfaction


def _department(name: str, on_time: int, late: int, formal: int) -> list[dict[str, Any]]:
    docs = []
    for i in range(on_time + late):
        answered = "2026-03-17T09:00+05:00" if i < on_time else "2026-03-19T09:00+05:00"
        docs.append(
            build_doc(
                f"vk:-1_{name}{i}",
                APPEAL,
                department=name,
                needs_response=True,
                deadline="2026-03-18T10:00+05:00",
                answered_at=answered,
                response_hours=7.0 if i < on_time else 23.0,
                reply_formal=i < formal,
            )
        )
    return docs


def test_rank_orders_by_score_then_by_volume() -> None:
    docs = (
        _department("zhkh", on_time=4, late=0, formal=0)
        + _department("architecture", on_time=2, late=2, formal=0)
        + _department("education", on_time=4, late=0, formal=4)
    )
    rows = rate(docs, departments=["safety"])
    assert [(r.rank, r.department) for r in rows] == [
        (1, "zhkh"),
        (2, "architecture"),
        (3, "education"),
        (4, "safety"),
    ]
    # 0.5·1 + 0.3·1 → 100; 0.5·0.5 + 0.3·1 → 68.75; 0.5·1 + 0.3·0 → 62.5 (satisfaction unknown).
    assert [r.score for r in rows[:3]] == pytest.approx([100.0, 68.75, 62.5])
    assert rows[3].score is None and rows[3].received == 0
    assert rows[1].median_hours == pytest.approx(15.0)


@pytest.mark.parametrize(
    ("names", "shown", "hidden"),
    [
        # With the roster's names the head reads the department's name, not its id.
        (NAMES, "ЖКХ и благоустройство", "zhkh"),
        # A department missing from the roster is shown by its id rather than dropped.
        (Names(departments={"education": "Управление образования"}), "zhkh", None),
    ],
)
def test_table_shows_department_names(names: Names, shown: str, hidden: str | None) -> None:
    rows = rate(_department("zhkh", on_time=3, late=1, formal=1))
    table = format_table(rows, names)
    head, rule, first = table.splitlines()
    assert head.split()[:2] == ["Место", "Подразделение"]
    assert set(rule) <= {"─", " "}
    assert first.lstrip().startswith("1  " + shown)
    assert "75" in first.split()
    if hidden is not None:
        assert hidden not in table


@pytest.mark.parametrize(
    ("names", "row"),
    [
        (NAMES, "1,zhkh,ЖКХ и благоустройство,4,4,0.7500"),
        # Without a roster the name column repeats the id.
        (Names(), "1,zhkh,zhkh,4,4,0.7500"),
    ],
)
def test_csv_keeps_the_id_and_adds_the_name(names: Names, row: str) -> None:
    rows = rate(_department("zhkh", on_time=3, late=1, formal=1))
    lines = to_csv(rows, names).splitlines()
    assert lines[0].startswith("rank,department,department_name,received,due,on_time_share")
    assert lines[0].endswith(",on_time,answered,incidents")
    assert lines[1].startswith(row)
    assert len(lines[1].split(",")) == len(lines[0].split(","))
