"""Durations in config: wall time (30s, 5m, 4h, 1h30m, 2d) and SLA spans (8wh, 7wd, 30d, 4h)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_SPAN = re.compile(r"^(\d+(?:\.\d+)?)(wh|wd|d|h|m)$")

SpanUnit = Literal["working_hours", "working_days", "days", "hours"]


def parse_duration(value: object) -> timedelta:
    """Alertmanager-style duration; a bare number is seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=float(value))
    if isinstance(value, str):
        text = value.replace(" ", "")
        if text == "0":
            return timedelta(0)
        parts = list(_PART.finditer(text))
        if parts and "".join(p.group(0) for p in parts) == text:
            return timedelta(seconds=sum(float(p.group(1)) * _SECONDS[p.group(2)] for p in parts))
    raise ValueError(
        f"не понимаю длительность {value!r}: ожидается, например, 30s, 5m, 4h, 1h30m, 2d"
    )


@dataclass(frozen=True)
class Span:
    """A deadline length; working units are counted with the production calendar."""

    amount: float
    unit: SpanUnit

    def __str__(self) -> str:
        suffix = {"working_hours": "wh", "working_days": "wd", "days": "d", "hours": "h"}
        return f"{self.amount:g}{suffix[self.unit]}"

    @property
    def is_working(self) -> bool:
        return self.unit in ("working_hours", "working_days")


def parse_span(value: object) -> Span:
    """8wh = working hours, 7wd = working days, 30d = calendar days, 4h / 90m = wall time."""
    if isinstance(value, Span):
        return value
    match = _SPAN.match(str(value).replace(" ", "")) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            f"не понимаю срок {value!r}: ожидается 8wh (рабочие часы), 7wd (рабочие дни), "
            "30d (календарные дни), 4h или 90m"
        )
    amount, unit = float(match.group(1)), match.group(2)
    if amount <= 0:
        raise ValueError(f"срок {value!r} должен быть больше нуля")
    if unit in ("wd", "d") and amount != int(amount):
        raise ValueError(f"срок {value!r}: дни задаются целым числом")
    if unit == "m":
        return Span(amount / 60.0, "hours")
    units: dict[str, SpanUnit] = {
        "wh": "working_hours",
        "wd": "working_days",
        "d": "days",
        "h": "hours",
    }
    return Span(amount, units[unit])


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for an integer count."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_span_ru(span: Span) -> str:
    forms = {
        "working_hours": ("рабочий час", "рабочих часа", "рабочих часов"),
        "working_days": ("рабочий день", "рабочих дня", "рабочих дней"),
        "days": ("календарный день", "календарных дня", "календарных дней"),
        "hours": ("час", "часа", "часов"),
    }[span.unit]
    if span.amount != int(span.amount):
        return f"{span.amount:g}".replace(".", ",") + f" {forms[1]}"
    n = int(span.amount)
    return f"{n} {plural_ru(n, *forms)}"


def format_duration_ru(delta: timedelta) -> str:
    """«2 ч 15 мин», «3 дн 4 ч»: short enough for a notification line."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} дн")
    if hours:
        parts.append(f"{hours} ч")
    if mins and not days:
        parts.append(f"{mins} мин")
    return " ".join(parts) or "меньше минуты"
