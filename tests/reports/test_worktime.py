from datetime import datetime

import pytest

from reports.worktime import working_hours


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # Monday morning to Monday evening: a whole day minus lunch.
        ("2026-03-16T08:00+05:00", "2026-03-16T17:00+05:00", 8.0),
        # Across the lunch break only the working part counts.
        ("2026-03-16T11:30+05:00", "2026-03-16T13:30+05:00", 1.0),
        # Friday 16:00 to Monday 09:00: one hour on Friday, one on Monday.
        ("2026-03-20T16:00+05:00", "2026-03-23T09:00+05:00", 2.0),
        # Written at night, answered next morning at 10:00.
        ("2026-03-16T23:10+05:00", "2026-03-17T10:00+05:00", 2.0),
        # 8 and 9 March 2026 are days off (International Women's Day and its transfer).
        ("2026-03-06T17:00+05:00", "2026-03-10T17:00+05:00", 8.0),
        # UTC input is read in Yekaterinburg time: 03:00Z is 08:00 local.
        ("2026-03-16T03:00Z", "2026-03-16T05:00Z", 2.0),
        ("2026-03-16T12:00+05:00", "2026-03-16T10:00+05:00", 0.0),
    ],
)
def test_working_hours(start: str, end: str, hours: float) -> None:
    assert working_hours(at(start), at(end)) == pytest.approx(hours)
