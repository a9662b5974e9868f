"""The Russian production calendar and working-time arithmetic in the municipal time zone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from alerts.errors import ConfigError, ConfigIssue
from alerts.yamlsource import Located, load_yaml

# ТК РФ ст. 112: used for years the calendar data does not cover (no transfers known).
_FIXED_HOLIDAYS = {(1, d) for d in range(1, 9)} | {
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
}
_MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class ProductionCalendar:
    non_working: frozenset[date]
    working: frozenset[date]
    short: frozenset[date]
    years: frozenset[int]

    @classmethod
    def builtin(cls) -> ProductionCalendar:
        ref = resources.files("alerts") / "data" / "calendar_ru.yaml"
        with resources.as_file(ref) as path:
            return cls.from_located(load_yaml(Path(path)))

    @classmethod
    def load(
        cls, paths: Sequence[Path], base: ProductionCalendar | None = None
    ) -> ProductionCalendar:
        calendar = base if base is not None else cls.empty()
        for path in paths:
            calendar = calendar.override(cls.from_located(load_yaml(path)))
        return calendar

    @classmethod
    def empty(cls) -> ProductionCalendar:
        return cls(frozenset(), frozenset(), frozenset(), frozenset())

    @classmethod
    def from_located(cls, doc: Located) -> ProductionCalendar:
        issues: list[ConfigIssue] = []
        non_working: set[date] = set()
        working: set[date] = set()
        short: set[date] = set()
        years: set[int] = set()
        data = doc.data if isinstance(doc.data, dict) else {}
        blocks = data.get("years")
        if not isinstance(blocks, dict):
            file, line, _ = doc.line_of(("years",))
            raise ConfigError.one(file, line, "ожидается ключ years: {ГГГГ: {...}}")
        for year_key, block in blocks.items():
            path: tuple[str | int, ...] = ("years", year_key)
            try:
                year = int(year_key)
            except ValueError:
                file, line, _ = doc.line_of(path)
                issues.append(ConfigIssue(file, line, str(year_key), "год должен быть числом"))
                continue
            years.add(year)
            block = block if isinstance(block, dict) else {}
            for name, target in (
                ("non_working", non_working),
                ("working", working),
                ("short", short),
            ):
                for index, item in enumerate(block.get(name) or []):
                    try:
                        days = _expand(item)
                    except ValueError as exc:
                        file, line, _ = doc.line_of((*path, name, index))
                        issues.append(ConfigIssue(file, line, f"{year}.{name}", str(exc)))
                        continue
                    if any(d.year != year for d in days):
                        file, line, _ = doc.line_of((*path, name, index))
                        issues.append(
                            ConfigIssue(file, line, f"{year}.{name}", f"дата вне {year} года")
                        )
                    target.update(days)
        if issues:
            raise ConfigError(issues)
        return cls(frozenset(non_working), frozenset(working), frozenset(short), frozenset(years))

    def override(self, other: ProductionCalendar) -> ProductionCalendar:
        """Years present in `other` replace the same years here."""

        def keep(days: frozenset[date]) -> set[date]:
            return {d for d in days if d.year not in other.years}

        return ProductionCalendar(
            frozenset(keep(self.non_working) | other.non_working),
            frozenset(keep(self.working) | other.working),
            frozenset(keep(self.short) | other.short),
            self.years | other.years,
        )

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        if not self.covers(day):
            return day.weekday() < 5 and (day.month, day.day) not in _FIXED_HOLIDAYS
        if day in self.working:
            return True
        return day.weekday() < 5 and day not in self.non_working

    def is_short_day(self, day: date) -> bool:
        return day in self.short and self.is_working_day(day)


def _expand(item: Any) -> list[date]:
    if isinstance(item, date) and not isinstance(item, datetime):
        return [item]
    if isinstance(item, str) and ".." in item:
        first, last = (date.fromisoformat(part.strip()) for part in item.split("..", 1))
        if last < first:
            raise ValueError(f"диапазон {item!r}: конец раньше начала")
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if isinstance(item, str):
        return [date.fromisoformat(item.strip())]
    raise ValueError(f"ожидается дата ГГГГ-ММ-ДД или диапазон, а не {item!r}")


@dataclass(frozen=True)
class WorkSchedule:
    """Office hours of a working day; a short day ends `short_day_cut` earlier."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    breaks: tuple[tuple[time, time], ...] = ((time(13, 0), time(14, 0)),)
    short_day_cut: timedelta = timedelta(hours=1)

    def periods(self, short: bool) -> list[tuple[timedelta, timedelta]]:
        """Working periods as offsets from midnight."""
        start = _offset(self.start)
        end = _offset(self.end) - (self.short_day_cut if short else timedelta(0))
        cuts = sorted((_offset(a), _offset(b)) for a, b in self.breaks)
        result: list[tuple[timedelta, timedelta]] = []
        cursor = start
        for a, b in cuts:
            if a > cursor:
                result.append((cursor, min(a, end)))
            cursor = max(cursor, b)
        if cursor < end:
            result.append((cursor, end))
        return [(a, b) for a, b in result if b > a]


def _offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second)


class WorkingTime:
    """Adds and measures working time: weekends, holidays, transfers and short days."""

    def __init__(
        self,
        calendar: ProductionCalendar,
        schedule: WorkSchedule | None = None,
        tz: ZoneInfo | None = None,
    ) -> None:
        self.calendar = calendar
        self.schedule = schedule or WorkSchedule()
        self.tz = tz or ZoneInfo("Asia/Yekaterinburg")

    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.calendar.is_working_day(day):
            return []
        midnight = datetime.combine(day, time(0), tzinfo=self.tz)
        return [
            (midnight + a, midnight + b)
            for a, b in self.schedule.periods(self.calendar.is_short_day(day))
        ]

    def hours_on(self, day: date) -> float:
        return sum((b - a).total_seconds() for a, b in self.periods_on(day)) / 3600.0

    def is_working_time(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        return any(a <= local < b for a, b in self.periods_on(local.date()))

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The moment `amount` of working time after `start`; ends exactly at a period's end."""
        local = start.astimezone(self.tz)
        if amount <= timedelta(0):
            return local
        remaining = amount
        day = local.date()
        for _ in range(_MAX_DAYS):
            for a, b in self.periods_on(day):
                if b <= local:
                    continue
                begin = max(a, local)
                available = b - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)
        raise ValueError(f"working time {amount} from {start} does not fit in {_MAX_DAYS} days")

    def add_hours(self, start: datetime, hours: float) -> datetime:
        return self.add(start, timedelta(hours=hours))

    def between(self, first: datetime, second: datetime) -> timedelta:
        """Working time in [first, second); zero when second is not after first."""
        a_local, b_local = first.astimezone(self.tz), second.astimezone(self.tz)
        if b_local <= a_local:
            return timedelta(0)
        total = timedelta(0)
        day = a_local.date()
        while day <= b_local.date():
            for a, b in self.periods_on(day):
                lo, hi = max(a, a_local), min(b, b_local)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def working_hours_between(self, first: datetime, second: datetime) -> float:
        return self.between(first, second).total_seconds() / 3600.0

    def end_of_day(self, day: date) -> datetime:
        """End of the working day on `day` or, if it is a day off, on the next working day."""
        for _ in range(_MAX_DAYS):
            periods = self.periods_on(day)
            if periods:
                return periods[-1][1]
            day += timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_DAYS} days after {day}")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """End of the n-th working day after the day of `start` (receipt day not counted)."""
        day = start.astimezone(self.tz).date()
        if days <= 0:
            return self.end_of_day(day)
        counted = 0
        for _ in range(_MAX_DAYS):
            day += timedelta(days=1)
            if self.calendar.is_working_day(day):
                counted += 1
                if counted == days:
                    return self.end_of_day(day)
        raise ValueError(f"{days} working days do not fit in {_MAX_DAYS} days")

    def add_calendar_days(self, start: datetime, days: int) -> datetime:
        """End of the working day `days` calendar days later, past days off (ГК РФ ст. 193)."""
        return self.end_of_day(start.astimezone(self.tz).date() + timedelta(days=days))

    def working_days_in(self, year: int) -> list[date]:
        first = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - first).days
        return [
            d
            for d in (first + timedelta(days=i) for i in range(days))
            if self.calendar.is_working_day(d)
        ]


def hours_norm(wt: WorkingTime, year: int) -> float:
    """Norm of working hours in a year: a quick sanity number for calendar data."""
    return sum(wt.hours_on(d) for d in wt.working_days_in(year))
