"""Production calendar data and working time: weekends, holidays, transfers, short days."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import holidays
import pytest
from alertkit import TZ, at

from alerts.calendar import ProductionCalendar, WorkingTime, hours_norm
from alerts.deadlines import DeadlinePolicy
from alerts.durations import parse_span

CAL = ProductionCalendar.builtin()
WT = WorkingTime(CAL)
POLICY = DeadlinePolicy([], WT)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_days_off_on_weekdays_match_the_holidays_package(year: int) -> None:
    ru = holidays.RU(years=year)
    expected = {d for d in ru if d.weekday() < 5}
    ours = {d for d in CAL.non_working if d.year == year and d.weekday() < 5}
    assert ours == expected


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_working_weekends_are_the_transferred_ones(year: int) -> None:
    # A day off "substituted from" a weekend day that is no holiday makes that weekend day working.
    ru = holidays.RU(years=year, language="en_US")
    sources = set()
    for name in ru.values():
        for found in re.findall(r"substituted from (\d\d)/(\d\d)/(\d{4})", name):
            month, day, yr = map(int, found)
            source = date(yr, month, day)
            if source.weekday() >= 5 and source not in ru:
                sources.add(source)
    assert {d for d in CAL.working if d.year == year} == sources


@pytest.mark.parametrize(
    ("year", "short_days"),
    [
        (2025, ["2025-03-07", "2025-04-30", "2025-06-11", "2025-11-01"]),
        # 2026 has four short days; 30.12.2026 is a full day before a transferred day off.
        (2026, ["2026-04-30", "2026-05-08", "2026-06-11", "2026-11-03"]),
        (2027, ["2027-02-20", "2027-04-30", "2027-06-11", "2027-11-03"]),
    ],
)
def test_year_norms(year: int, short_days: list[str]) -> None:
    assert sorted(d.isoformat() for d in CAL.short if d.year == year) == short_days
    assert len(WT.working_days_in(year)) == 247
    assert hours_norm(WT, year) == 247 * 8 - 4


@pytest.mark.parametrize(
    ("start", "hours", "expected", "why"),
    [
        ("2026-03-10 10:00", 2, "2026-03-10 12:00", "inside the morning"),
        ("2026-03-10 12:00", 2, "2026-03-10 15:00", "skips the lunch break"),
        ("2026-03-10 20:00", 1, "2026-03-11 10:00", "after hours: starts next morning"),
        ("2026-03-10 17:00", 1, "2026-03-10 18:00", "ends exactly at the end of the day"),
        ("2026-03-06 16:00", 8, "2026-03-10 16:00", "weekend and 9 March (8 March on Sunday)"),
        ("2026-12-31 10:00", 8, "2027-01-11 18:00", "New Year holidays: first working day 11.01"),
        ("2026-12-31 10:00", 16, "2027-01-12 18:00", "two working days after the holidays"),
        ("2026-12-30 17:00", 2, "2027-01-11 10:00", "30.12.2026 is a full day, 31.12 is off"),
        ("2026-04-30 16:00", 2, "2026-05-04 10:00", "30.04 is short (ends 17:00), then 1-3 May"),
        ("2027-02-19 17:00", 4, "2027-02-20 12:00", "20.02.2027 is a working Saturday"),
        ("2027-02-20 16:00", 2, "2027-02-24 10:00", "the working Saturday is short, 22-23 Feb off"),
        (
            "2025-10-31 17:00",
            9,
            "2025-11-05 10:00",
            "working Saturday 1.11.2025 (7 h), 3-4 Nov off",
        ),
    ],
)
def test_add_working_hours(start: str, hours: float, expected: str, why: str) -> None:
    assert WT.add_hours(at(start), hours) == at(expected), why


@pytest.mark.parametrize(
    ("start", "span", "expected"),
    [
        ("2026-12-31 10:00", "1wd", "2027-01-11 18:00"),
        ("2026-12-31 10:00", "2wd", "2027-01-12 18:00"),
        ("2026-03-10 10:00", "7wd", "2026-03-19 18:00"),
        ("2026-04-30 10:00", "1wd", "2026-05-04 18:00"),
        # 59-ФЗ: 30 days from 10 April is Sunday 10 May; 11 May is off; deadline 12 May.
        ("2026-04-10 10:00", "30d", "2026-05-12 18:00"),
        ("2026-03-10 10:00", "30d", "2026-04-09 18:00"),
        ("2026-03-10 10:00", "4h", "2026-03-10 14:00"),
    ],
)
def test_deadline_spans(start: str, span: str, expected: str) -> None:
    assert POLICY.due(at(start), parse_span(span)) == at(expected)


@pytest.mark.parametrize(
    ("first", "second", "hours"),
    [
        ("2026-03-10 10:00", "2026-03-10 15:00", 4.0),
        ("2026-03-06 16:00", "2026-03-10 16:00", 8.0),
        ("2026-12-30 09:00", "2027-01-11 09:00", 8.0),
        ("2026-04-30 09:00", "2026-05-01 00:00", 7.0),
        ("2026-03-10 15:00", "2026-03-10 10:00", 0.0),
    ],
)
def test_working_hours_between(first: str, second: str, hours: float) -> None:
    assert WT.working_hours_between(at(first), at(second)) == hours


def test_add_and_between_agree_on_random_points() -> None:
    start = at("2026-12-25 11:17")
    for step in range(1, 60):
        end = WT.add(start, timedelta(minutes=37 * step))
        assert WT.between(start, end) == timedelta(minutes=37 * step)


def test_other_zones_are_converted() -> None:
    moscow = datetime.fromisoformat("2026-03-10T16:00:00+03:00")  # 18:00 in Yekaterinburg
    assert WT.add_hours(moscow, 1) == at("2026-03-11 10:00")
    assert WT.add_hours(moscow, 1).tzinfo == TZ


def test_years_outside_the_data_fall_back_to_the_labour_code() -> None:
    assert not CAL.covers(date(2030, 1, 1))
    assert not CAL.is_working_day(date(2030, 1, 7))  # Monday, Christmas
    assert CAL.is_working_day(date(2030, 1, 9))
    assert not CAL.is_working_day(date(2030, 6, 12))


def test_a_calendar_file_replaces_whole_years(tmp_path) -> None:
    extra = tmp_path / "calendar-2026.yaml"
    extra.write_text(
        "years:\n  2026:\n    non_working: [2026-03-11]\n"
        "    working: [2026-03-14]\n    short: []\n",
        encoding="utf-8",
    )
    cal = ProductionCalendar.load([extra], CAL)
    assert not cal.is_working_day(date(2026, 3, 11))
    assert cal.is_working_day(date(2026, 3, 14))
    assert cal.is_working_day(date(2026, 1, 5))  # 2026 from the file: the holidays are gone
    assert not cal.is_working_day(date(2027, 1, 5))  # 2027 still built in
