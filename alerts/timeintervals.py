"""Alertmanager time intervals (quiet hours), plus working / non-working days of the calendar."""

from __future__ import annotations

import calendar as stdcal
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alerts.calendar import ProductionCalendar

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$|^24:00$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeRange(_Strict):
    start_time: str
    end_time: str

    @field_validator("start_time", "end_time", mode="before")
    @classmethod
    def _clock(cls, value: object) -> str:
        # Unquoted 22:00 is a base-60 integer (1320) in YAML 1.1.
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value // 60:02d}:{value % 60:02d}"
        if not isinstance(value, str):
            raise ValueError(f"время {value!r}: ожидается ЧЧ:ММ")
        if not _CLOCK.match(value):
            raise ValueError(f"время {value!r}: ожидается ЧЧ:ММ от 00:00 до 24:00")
        return value


class TimeIntervalSpec(_Strict):
    times: list[TimeRange] = []
    weekdays: list[str] = []
    days_of_month: list[str] = []
    months: list[str] = []
    years: list[str] = []
    location: str | None = None
    # Extension: match only days the production calendar calls working / non-working.
    calendar: Literal["working_days", "non_working_days"] | None = None

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[str]) -> list[str]:
        for item in value:
            _range(item, lambda s: _named(s, _WEEKDAYS, 0))
        return value

    @field_validator("months")
    @classmethod
    def _months(cls, value: list[str]) -> list[str]:
        for item in value:
            _range(item, lambda s: _named(s, _MONTHS, 1))
        return value

    @field_validator("days_of_month", "years")
    @classmethod
    def _numbers(cls, value: list[str]) -> list[str]:
        for item in value:
            _range(str(item), int)
        return value

    @field_validator("location")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"неизвестный часовой пояс {value!r}") from exc
        return value


class TimeIntervalConfig(_Strict):
    name: str = Field(min_length=1)
    time_intervals: list[TimeIntervalSpec] = Field(min_length=1)


def _named(text: str, names: list[str], base: int) -> int:
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    if text not in names:
        raise ValueError(f"неизвестное значение {text!r}")
    return names.index(text) + base


def _range(text: str, parse: Callable[[str], int]) -> tuple[int, int]:
    first, sep, last = str(text).partition(":")
    lo = int(parse(first))
    hi = int(parse(last)) if sep else lo
    return lo, hi


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class TimeInterval:
    name: str
    specs: tuple[TimeIntervalSpec, ...]
    default_tz: ZoneInfo
    calendar: ProductionCalendar

    def contains(self, moment: datetime) -> bool:
        return any(self._spec_contains(spec, moment) for spec in self.specs)

    def _spec_contains(self, spec: TimeIntervalSpec, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(spec.location) if spec.location else self.default_tz)
        if spec.times:
            minute = local.hour * 60 + local.minute
            if not any(_minutes(r.start_time) <= minute < _minutes(r.end_time) for r in spec.times):
                return False
        if spec.weekdays and not _in_any(
            local.weekday(), spec.weekdays, lambda s: _named(s, _WEEKDAYS, 0)
        ):
            return False
        if spec.months and not _in_any(local.month, spec.months, lambda s: _named(s, _MONTHS, 1)):
            return False
        if spec.years and not _in_any(local.year, spec.years, int):
            return False
        if spec.days_of_month and not _day_matches(local, spec.days_of_month):
            return False
        if spec.calendar is not None:
            working = self.calendar.is_working_day(local.date())
            if working != (spec.calendar == "working_days"):
                return False
        return True


def _in_any(value: int, items: list[str], parse: Callable[[str], int]) -> bool:
    for item in items:
        lo, hi = _range(item, parse)
        if lo <= value <= hi:
            return True
    return False


def _day_matches(local: datetime, items: list[str]) -> bool:
    last = stdcal.monthrange(local.year, local.month)[1]
    for item in items:
        lo, hi = _range(item, int)
        lo = lo if lo > 0 else last + 1 + lo
        hi = hi if hi > 0 else last + 1 + hi
        if lo <= local.day <= hi:
            return True
    return False
