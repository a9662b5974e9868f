"""The report's HTML names categories and departments in Russian; data keeps the codes."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from docfactory import NAMES, sample_week

from reports.names import CATEGORY_TITLES, Names
from reports.period import Period
from reports.report import build_report

WEEK = Period.from_dates(date(2026, 3, 16), date(2026, 3, 20))
NOW = datetime.fromisoformat("2026-03-23T09:00+05:00")


@pytest.fixture(scope="module")
def html() -> str:
    return build_report(sample_week(), WEEK, now=NOW, names=NAMES)


def section(html: str, id: str) -> str:
    found = re.search(f'<section id="{id}">(.*?)</section>', html, re.S)
    assert found is not None, id
    return found.group(1)


@pytest.mark.parametrize(
    ("section_id", "shown", "hidden"),
    [
        # Top problems by category: the rubricator's titles.
        ("problems", "<td>ЖКХ</td>", "housing"),
        ("problems", "<td>Благоустройство</td>", "improvement"),
        ("problems", "<td>Дороги</td>", "roads"),
        # Main category of an address with complaints about garbage and water on Ленина, 12.
        ("problems", "<td>ул. Ленина, 12</td>", "<td>housing</td>"),
        # Who let the road and the water complaints go overdue.
        ("overdue", "<td>Отдел архитектуры и градостроительства</td>", "architecture"),
        ("overdue", "<td>ЖКХ и благоустройство</td>", "zhkh"),
        ("ratings", "<td>ЖКХ и благоустройство</td>", "zhkh"),
        ("ratings", "<td>Управление образования</td>", "<td>education</td>"),
        ("conflicts", "<td>ЖКХ и благоустройство</td>", "zhkh"),
    ],
)
def test_report_shows_names_not_codes(html: str, section_id: str, shown: str, hidden: str) -> None:
    text = section(html, section_id)
    assert shown in text
    assert hidden not in text


def test_report_without_roster_falls_back_to_department_ids() -> None:
    html = build_report(sample_week(), WEEK, now=NOW)
    assert "<td>ЖКХ</td>" in section(html, "problems")
    assert "<td>zhkh</td>" in section(html, "overdue")


@pytest.mark.parametrize(
    ("names", "code", "shown"),
    [
        (Names(), "housing", "ЖКХ"),
        (Names(), "social", "Социальная защита"),
        (Names(), "government", "Органы власти"),
        # Codes outside the rubricator (and «без категории») pass through unchanged.
        (Names(), "без категории", "без категории"),
        (NAMES, "other", "Прочее"),
    ],
)
def test_category_titles(names: Names, code: str, shown: str) -> None:
    assert names.category(code) == shown


@pytest.mark.parametrize(
    ("names", "id", "shown"),
    [
        (NAMES, "zhkh", "ЖКХ и благоустройство"),
        (NAMES, "mcu_office", "mcu_office"),
        (Names(), "zhkh", "zhkh"),
    ],
)
def test_department_names(names: Names, id: str, shown: str) -> None:
    assert names.department(id) == shown


def test_every_rubric_has_a_russian_title() -> None:
    assert len(CATEGORY_TITLES) == 18
    assert all(re.fullmatch(r"[А-ЯЁ][а-яё ]*|ЖКХ", t) for t in CATEGORY_TITLES.values())
