"""Working hours between two moments, by the shared production calendar (alerts.calendar)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from alerts.calendar import ProductionCalendar, WorkingTime


@cache
def _working_time() -> WorkingTime:
    # The calendar file ships with alerts; load it once per process.
    return WorkingTime(ProductionCalendar.builtin())


def working_hours(start: datetime, end: datetime) -> float:
    """Working hours in [start, end) in Yekaterinburg office hours; 0 when end is not after."""
    return _working_time().working_hours_between(start, end)
