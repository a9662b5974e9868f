"""Working hours between two moments (fallback until alerts.calendar is shared).

Mon–Fri 08:00–17:00 local with a 12:00–13:00 lunch break (8 hours a day), no work on
Russian public holidays (the `holidays` package). Transferred working Saturdays are ignored.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from reports.period import TZ

WORK_SPANS = ((time(8), time(12)), (time(13), time(17)))


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("RU", years=year).keys())


def is_working_day(day: date) -> bool:
    """Weekday that is not a public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_hours(start: datetime, end: datetime, tz: ZoneInfo = TZ) -> float:
    """Working hours in [start, end); 0 when end is not after start."""
    if end <= start:
        return 0.0
    a, b = start.astimezone(tz), end.astimezone(tz)
    total = 0.0
    day = a.date()
    while day <= b.date():
        if is_working_day(day):
            for s, e in WORK_SPANS:
                lo = max(a, datetime.combine(day, s, tzinfo=tz))
                hi = min(b, datetime.combine(day, e, tzinfo=tz))
                if hi > lo:
                    total += (hi - lo).total_seconds() / 3600
        day += timedelta(days=1)
    return total
