"""ПОС notification letters: «Поле: значение» lines → the appeal's number, category, place,
text and deadline. Labels follow what regional systems parse from these letters («Место
проблемы», «Адрес заявителя», «Срок ответа»…); a letter without a number is not a ПОС letter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

LABELS: dict[str, tuple[str, ...]] = {
    "number": ("Номер сообщения", "Номер обращения", "Номер"),
    "category": ("Категория",),
    "subcategory": ("Подкатегория",),
    "address": ("Место проблемы", "Адрес проблемы", "Адрес"),
    "applicant": ("Заявитель", "ФИО заявителя"),
    "applicant_address": ("Адрес заявителя",),
    "text": ("Текст сообщения", "Текст обращения", "Описание", "Текст"),
    "deadline": ("Крайний срок ответа", "Срок ответа", "Срок рассмотрения", "Срок"),
    "url": ("Ссылка на сообщение", "Ссылка"),
}
_ALL = sorted({label for labels in LABELS.values() for label in labels}, key=len, reverse=True)
_LINE = re.compile(rf"^\s*({'|'.join(map(re.escape, _ALL))})\s*[:：]\s*(.*)$", re.MULTILINE)
_NUMBER = re.compile(r"№\s*([\d][\d-]{3,})")
_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2}))?")


@dataclass(frozen=True)
class PosLetter:
    number: str
    category: str | None
    subcategory: str | None
    address: str | None
    applicant: str | None
    applicant_address: str | None
    text: str
    deadline: datetime | None
    url: str | None


def _field(label: str) -> str:
    return next(name for name, labels in LABELS.items() if label in labels)


def parse_deadline(value: str, zone: ZoneInfo) -> datetime | None:
    """«12.12.2026» (end of that day) or «12.12.2026 18:00», in the municipality's zone."""
    match = _DATE.search(value)
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    if hour is None:
        return datetime(int(year), int(month), int(day), 23, 59, tzinfo=zone)
    return datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=zone)


def parse(body: str, subject: str, zone: ZoneInfo) -> PosLetter | None:
    found: dict[str, str] = {}
    matches = list(_LINE.finditer(body))
    for i, match in enumerate(matches):
        name = _field(match.group(1))
        value = match.group(2).strip()
        if name == "text":
            # The text may run over several lines, up to the next label.
            end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
            value = body[match.start(2) : end].strip()
        found.setdefault(name, value)
    number = found.get("number") or ""
    digits = _NUMBER.search(number or subject) or _NUMBER.search(body)
    if number and not number.startswith("№"):
        number = number.strip()
    elif digits:
        number = digits.group(1)
    if not number or not found.get("text"):
        return None
    return PosLetter(
        number=number.lstrip("№ ").strip(),
        category=found.get("category"),
        subcategory=found.get("subcategory"),
        address=found.get("address"),
        applicant=found.get("applicant"),
        applicant_address=found.get("applicant_address"),
        text=found["text"],
        deadline=parse_deadline(found.get("deadline", ""), zone),
        url=found.get("url"),
    )
