"""Durations, spans, matchers, time intervals and Russian texts."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from alertkit import TZ, at

from alerts.calendar import ProductionCalendar
from alerts.durations import (
    Span,
    format_duration_ru,
    format_span_ru,
    parse_duration,
    parse_span,
    plural_ru,
)
from alerts.matchers import parse_matcher
from alerts.model import Alert
from alerts.templates import Renderer, trim
from alerts.timeintervals import TimeInterval, TimeIntervalSpec


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("5m", 300), ("4h", 14400), ("1h30m", 5400), ("2d", 172800), (90, 90), ("0", 0)],
)
def test_parse_duration(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["soon", "5 minutes", "h4", "", "1x"])
def test_bad_duration(text: str) -> None:
    with pytest.raises(ValueError, match="не понимаю длительность"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "span", "russian"),
    [
        ("8wh", Span(8, "working_hours"), "8 рабочих часов"),
        ("4wh", Span(4, "working_hours"), "4 рабочих часа"),
        ("1wd", Span(1, "working_days"), "1 рабочий день"),
        ("7wd", Span(7, "working_days"), "7 рабочих дней"),
        ("30d", Span(30, "days"), "30 календарных дней"),
        ("90m", Span(1.5, "hours"), "1,5 часа"),
    ],
)
def test_parse_span(text: str, span: Span, russian: str) -> None:
    assert parse_span(text) == span
    assert format_span_ru(span) == russian


@pytest.mark.parametrize("text", ["8 hours", "1.5wd", "0wh", "wh"])
def test_bad_span(text: str) -> None:
    with pytest.raises(ValueError):
        parse_span(text)


LABELS = {"category": "roads", "severity": "critical", "source": "vk"}


@pytest.mark.parametrize(
    ("matcher", "matches"),
    [
        ('category="roads"', True),
        ("category=roads", True),
        ('category!="roads"', False),
        ('category=~"roads|housing"', True),
        ('category=~"road"', False),  # anchored, as in Alertmanager
        ('source!~"pos|email"', True),
        ('department=""', True),  # a missing label is empty
        ('department!=""', False),
        ("severity = 'critical'", True),
    ],
)
def test_matchers(matcher: str, matches: bool) -> None:
    assert parse_matcher(matcher).matches(LABELS) is matches


def test_matcher_round_trips_through_str() -> None:
    m = parse_matcher('comment=~"a\\"b|c"')
    assert parse_matcher(str(m)) == m


@pytest.mark.parametrize(
    ("spec", "moment", "inside"),
    [
        ({"times": [{"start_time": "21:00", "end_time": "24:00"}]}, "2026-03-10 23:59", True),
        ({"times": [{"start_time": "21:00", "end_time": "24:00"}]}, "2026-03-10 20:59", False),
        ({"weekdays": ["saturday:sunday"]}, "2026-03-14 12:00", True),
        ({"weekdays": ["monday:friday"]}, "2026-03-14 12:00", False),
        ({"days_of_month": ["-1"]}, "2026-02-28 12:00", True),
        ({"months": ["december:december"], "days_of_month": ["31"]}, "2026-12-31 12:00", True),
        ({"calendar": "non_working_days"}, "2026-03-09 12:00", True),  # observed 8 March
        ({"calendar": "working_days"}, "2027-02-20 12:00", True),  # working Saturday
        # 08:30 in Moscow is 10:30 in Yekaterinburg: the interval's own location decides.
        (
            {"times": [{"start_time": "08:00", "end_time": "09:00"}], "location": "Europe/Moscow"},
            "2026-03-10 10:30",
            True,
        ),
    ],
)
def test_time_intervals(spec: dict, moment: str, inside: bool) -> None:
    interval = TimeInterval(
        "x", (TimeIntervalSpec.model_validate(spec),), TZ, ProductionCalendar.builtin()
    )
    assert interval.contains(at(moment)) is inside


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "жалоба"), (2, "жалобы"), (5, "жалоб"), (11, "жалоб"), (21, "жалоба"), (104, "жалобы")],
)
def test_plural(n: int, word: str) -> None:
    assert plural_ru(n, "жалоба", "жалобы", "жалоб") == word


def test_trim_and_durations() -> None:
    assert trim("Третий   день\nнет воды в доме", 100) == "Третий день нет воды в доме"
    assert trim("Третий день нет горячей воды в доме на Энгельса", 20) == "Третий день нет…"
    assert format_duration_ru(timedelta(hours=2, minutes=15)) == "2 ч 15 мин"
    assert format_duration_ru(timedelta(days=3, hours=4, minutes=5)) == "3 дн 4 ч"


def _alert(kind: str, labels: dict[str, str], notes: dict[str, str], **extra: object) -> Alert:
    return Alert(
        id="abc123def456",
        rule=kind,
        kind=kind,
        subject="s",
        status="firing",
        severity="warning",
        started_at=at("2026-03-10 10:00"),
        updated_at=at("2026-03-10 10:00"),
        labels={"kind": kind, **labels},
        annotations=notes,
        **extra,  # type: ignore[arg-type]
    )


NAMES = {"zhkh": "ЖКХ и благоустройство", "bessonov": "Бессонов Е.А."}
RENDER = Renderer(
    ZoneInfo("Asia/Yekaterinburg"), "http://kibana/#/doc/{id_url}", lambda i: NAMES.get(i, i)
)


@pytest.mark.parametrize(
    ("kind", "labels", "notes", "lines"),
    [
        (
            "overdue",
            {"stage": "overdue", "category": "housing", "department": "zhkh"},
            {
                "deadline": "2026-03-10T18:00:00+05:00",
                "span": "8wh",
                "text": "Нет воды",
                "message_id": "vk:-1_5",
            },
            [
                "🟠 Срок ответа истёк · внимание",
                "Категория: ЖКХ · Ответственные: ЖКХ и благоустройство",
                "Срок ответа: до 10.03.2026 18:00 (8 рабочих часов)",
                "Открыть в поиске: http://kibana/#/doc/vk%3A-1_5",
            ],
        ),
        (
            "spike",
            {"category": "roads", "address": "улица Ленина, 12"},
            {
                "count": "7",
                "window": "7200",
                "first_at": "2026-03-10T09:00:00+05:00",
                "last_at": "2026-03-10T10:40:00+05:00",
            },
            [
                "Категория: Дороги · Адрес: улица Ленина, 12",
                "7 сообщений за 2 ч (с 10.03.2026 09:00 по 10.03.2026 10:40); последнее:",
            ],
        ),
        (
            "repeat_complaint",
            {},
            {"previous_count": "2", "first_at": "2026-03-01T10:00:00+05:00"},
            ["Раньше от этого автора: 2 жалобы о том же, первая 01.03.2026 10:00"],
        ),
        (
            "bad_reply",
            {},
            {
                "reasons": "formal_reply",
                "reply_text": "Ваше обращение на контроле.",
                "reply_author": "Администрация",
            },
            ["Нарушение: отписка", "Ответ (Администрация): «Ваше обращение на контроле.»"],
        ),
    ],
)
def test_russian_lines(
    kind: str, labels: dict[str, str], notes: dict[str, str], lines: list[str]
) -> None:
    text = RENDER.group([_alert(kind, labels, notes)], []).text
    for line in lines:
        assert line in text.splitlines(), text


def test_acked_alert_keeps_only_the_resolve_button() -> None:
    acked = _alert("conflict", {}, {}, acked_at=at("2026-03-10 10:20"), acked_by="bessonov")
    rendered = RENDER.group([acked], [])
    assert "В работе: Бессонов Е.А. с 10.03.2026 10:20" in rendered.text
    assert [[b.text for b in row] for row in rendered.buttons] == [["Решено"]]
