from datetime import date

import pytest
from docfactory import build_doc, sample_week

from reports.documents import from_source
from reports.period import Period
from reports.summary import summarize

WEEK = Period.from_dates(date(2026, 3, 16), date(2026, 3, 20))


def test_flow_counts_every_citizen_message_by_local_day_and_category() -> None:
    docs = [from_source(s) for s in sample_week()]
    s = summarize(docs, WEEK)
    assert s.total == 30
    assert list(s.flow) == WEEK.days()
    assert s.flow[date(2026, 3, 16)] == {
        "housing": 2,
        "improvement": 2,
        "roads": 1,
        "education": 1,
    }
    assert [d.total for d in s.shares] == [6] * 5
    assert s.shares[0].negative_share == pytest.approx(4 / 6)
    assert s.shares[0].conflict_share == pytest.approx(1 / 6)


@pytest.mark.parametrize(
    ("created", "day"),
    [
        # 23:30 in Yekaterinburg on the 16th is 18:30 UTC of the same day.
        ("2026-03-16T23:30:00+05:00", date(2026, 3, 16)),
        # 20:00 UTC on the 16th is already 01:00 on the 17th in Yekaterinburg.
        ("2026-03-16T20:00:00Z", date(2026, 3, 17)),
    ],
)
def test_days_are_local(created: str, day: date) -> None:
    doc = from_source(build_doc("vk:-1_1", "Нет света на Ленина.", created=created))
    s = summarize([doc], WEEK)
    assert sum(s.flow[day].values()) == 1


def test_top_problems_and_addresses() -> None:
    s = summarize([from_source(x) for x in sample_week()], WEEK)
    assert [(p.name, p.total) for p in s.top_problems] == [
        ("housing", 10),
        ("improvement", 5),
        ("roads", 5),
    ]
    top = s.top_addresses[0]
    assert (top.name, top.total, top.complaints, top.top_category) == (
        "ул. Ленина, 12",
        10,
        10,
        "housing",
    )
    # Thanks for the playground is not a problem, so its address is not listed.
    assert "ул. Гагарина" not in [p.name for p in s.top_addresses]


def test_overdue_items_are_unanswered_past_deadline_at_the_end() -> None:
    s = summarize([from_source(x) for x in sample_week()], WEEK)
    # Messages n=2 (road) and n=5 (water) are never answered; deadlines of the 16th..19th
    # have passed, the 20th's (21st 18:00) is after the end of the period.
    assert {o.doc.id for o in s.overdue} == {f"vk:-1_{d}{n}" for d in range(16, 20) for n in (2, 5)}
    assert s.overdue_by_department == {"architecture": 4, "zhkh": 4}
    assert s.overdue[0].doc.id == "vk:-1_162"  # the oldest first
    assert s.overdue[0].overdue_hours > s.overdue[-1].overdue_hours


def test_notable_conflicts_ordered_by_reach() -> None:
    s = summarize([from_source(x) for x in sample_week()], WEEK)
    assert [d.id for d in s.conflicts] == [f"vk:-1_{d}5" for d in (20, 19, 18, 17, 16)]
    assert s.conflicts[0].conflict_reasons == ("aggression", "collective_action")
