from datetime import datetime

import pytest

from reports.worktime import working_hours


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # Monday 09:00–18:00: a whole day minus the 13:00–14:00 lunch.
        ("2026-03-16T09:00+05:00", "2026-03-16T18:00+05:00", 8.0),
        # Across the lunch break only the working part counts.
        ("2026-03-16T12:30+05:00", "2026-03-16T14:30+05:00", 1.0),
        # Friday 16:00 to Monday 09:00: one hour on Friday, one on Monday.
        ("2026-03-20T16:00+05:00", "2026-03-23T09:00+05:00", 2.0),
        # Written at night, answered next morning at 10:00.
        ("2026-03-16T23:10+05:00", "2026-03-17T10:00+05:00", 1.0),
        # 8 and 9 March 2026 are days off (International Women's Day and its transfer).
        ("2026-03-06T17:00+05:00", "2026-03-10T17:00+05:00", 8.0),
        # UTC input is read in Yekaterinburg time: 04:00Z is 09:00 local.
        ("2026-03-16T04:00Z", "2026-03-16T06:00Z", 2.0),
        ("2026-03-16T12:00+05:00", "2026-03-16T10:00+05:00", 0.0),
    ],
)
def test_working_hours(start: str, end: str, hours: float) -> None:
    assert working_hours(at(start), at(end)) == pytest.approx(hours)
