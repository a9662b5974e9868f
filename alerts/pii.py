"""Masks personal data (phones, e-mails, optionally author names) in alerts and the API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_SEP = r"[\s\-]?"
# Russian numbers: +7 / 8 with a 3-, 4- or 5-digit code, mobile 9XX without a prefix,
# and town numbers written with dashes (2-14-56, 375-12-34).
PHONE = re.compile(
    r"(?<![\w+])(?:"
    rf"(?:\+\s?7|8){_SEP}\(?\s?\d{{3}}\s?\)?{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    rf"|(?:\+\s?7|8){_SEP}\(?\s?\d{{4}}\s?\)?{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    rf"|(?:\+\s?7|8){_SEP}\(?\s?\d{{5}}\s?\)?{_SEP}\d{{1,2}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    rf"|\(?9\d{{2}}\)?{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    r"|\d(?:\d\d)?-\d{2}-\d{2}"
    r")(?![\w\-])"
)
EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@((?:[\w-]+\.)+[\w-]{2,})(?!\w)")
KEEP_DIGITS = 2
# Annotations that carry a citizen's text or name.
TEXT_FIELDS = ("text", "reply_text")
NAME_FIELDS = ("author",)


def _mask_phone(match: re.Match[str]) -> str:
    number = match.group(0)
    total = sum(ch.isdigit() for ch in number)
    seen = 0
    out = []
    for ch in number:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - KEEP_DIGITS else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_contacts(text: str) -> str:
    """Phones keep their last two digits, e-mails their first letter and domain."""
    text = EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return PHONE.sub(_mask_phone, text)


def mask_name(name: str) -> str:
    """«Иванова Мария Петровна» → «И. М. П.»: enough to tell authors apart in one alert."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    return " ".join(f"{w[0]}." for w in words) if words else name


@dataclass(frozen=True)
class PiiMask:
    contacts: bool = True
    authors: bool = False

    def text(self, value: str) -> str:
        return mask_contacts(value) if self.contacts else value

    def name(self, value: str) -> str:
        value = self.text(value)
        return mask_name(value) if self.authors else value

    def alert(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """An alert's dict (as the API lists it) with its annotations masked."""
        annotations = dict(data.get("annotations") or {})
        for key in TEXT_FIELDS:
            if isinstance(annotations.get(key), str):
                annotations[key] = self.text(annotations[key])
        for key in NAME_FIELDS:
            if isinstance(annotations.get(key), str):
                annotations[key] = self.name(annotations[key])
        return {**data, "annotations": annotations}


NO_MASK = PiiMask(contacts=False, authors=False)
