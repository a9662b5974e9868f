"""The rolling ratings window: whole local days ending today, never empty on the 1st."""

from datetime import date, datetime

import pytest

from reports.period import TZ, Period


@pytest.mark.parametrize(
    ("now", "days", "first", "last"),
    [
        # The 1st of a month: the window reaches back into the previous month.
        ("2031-03-01T00:30:00+05:00", 30, date(2031, 1, 31), date(2031, 3, 1)),
        # Late evening UTC is already tomorrow in Yekaterinburg.
        ("2030-12-31T20:00:00+00:00", 7, date(2030, 12, 26), date(2031, 1, 1)),
        ("2029-06-15T12:00:00+05:00", 1, date(2029, 6, 15), date(2029, 6, 15)),
    ],
)
def test_last_days(now: str, days: int, first: date, last: date) -> None:
    period = Period.last_days(datetime.fromisoformat(now), days)
    assert period.days()[0] == first
    assert period.days()[-1] == last
    assert len(period.days()) == days
    assert datetime.fromisoformat(now) in period
    assert period.start.tzinfo == TZ


def test_a_window_of_no_days_is_refused() -> None:
    with pytest.raises(ValueError, match="не меньше дня"):
        Period.last_days(datetime.fromisoformat("2030-01-01T10:00:00+05:00"), 0)
