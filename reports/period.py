"""The reporting period: whole local days, from the first to the last inclusive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Yekaterinburg")


@dataclass(frozen=True)
class Period:
    """Half-open interval [start, end) of aware datetimes."""

    start: datetime
    end: datetime

    @classmethod
    def from_dates(cls, first: date, last: date, tz: ZoneInfo = TZ) -> Period:
        """Whole days first..last (inclusive) in the given time zone."""
        if last < first:
            raise ValueError(f"конец периода {last} раньше начала {first}")
        start = datetime.combine(first, time(0), tzinfo=tz)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
        return cls(start, end)

    @classmethod
    def last_days(cls, now: datetime, days: int, tz: ZoneInfo = TZ) -> Period:
        """`days` whole local days ending with today: never empty on the 1st of a month."""
        if days < 1:
            raise ValueError(f"окно рейтинга должно быть не меньше дня, задано {days}")
        today = now.astimezone(tz).date()
        return cls.from_dates(today - timedelta(days=days - 1), today, tz)

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def days(self) -> list[date]:
        """Local calendar days of the period, in order."""
        tz = self.start.tzinfo
        first = self.start.astimezone(tz).date()
        last = (self.end - timedelta(microseconds=1)).astimezone(tz).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def local_day(self, moment: datetime) -> date:
        """The calendar day of a moment in the period's time zone."""
        return moment.astimezone(self.start.tzinfo).date()

    def label(self) -> str:
        """«01.03.2026 — 31.03.2026»."""
        days = self.days()
        return f"{days[0]:%d.%m.%Y} — {days[-1]:%d.%m.%Y}"
