"""Alertmanager label matchers: name=value, name!=value, name=~regex, name!~regex."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Op = Literal["=", "!=", "=~", "!~"]
_MATCHER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$")


@dataclass(frozen=True)
class Matcher:
    name: str
    op: Op
    value: str
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def matches(self, labels: Mapping[str, str]) -> bool:
        # A missing label equals the empty string, as in Alertmanager.
        actual = labels.get(self.name, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        assert self.pattern is not None
        found = self.pattern.fullmatch(actual) is not None
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.name}{self.op}"{escaped}"'


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        inner = raw[1:-1]
        return inner.replace('\\"', '"').replace("\\\\", "\\") if raw[0] == '"' else inner
    return raw


def make_matcher(name: str, op: Op, value: str) -> Matcher:
    pattern = None
    if op in ("=~", "!~"):
        try:
            pattern = re.compile(value)
        except re.error as exc:
            raise ValueError(f"неверное регулярное выражение {value!r}: {exc}") from exc
    return Matcher(name, op, value, pattern)


def parse_matcher(text: str) -> Matcher:
    """Parses 'severity="critical"', category=~"roads|housing", source!=pos."""
    match = _MATCHER.match(text)
    if match is None:
        raise ValueError(
            f"неверный матчер {text!r}: ожидается имя=значение, имя!=значение, "
            'имя=~"регулярное выражение" или имя!~"..."'
        )
    name, op, raw = match.groups()
    return make_matcher(name, op, _unquote(raw))  # type: ignore[arg-type]


def check_matcher(text: str) -> str:
    """Pydantic validator: keeps the string, fails early on a bad matcher."""
    parse_matcher(text)
    return text


def parse_matchers(items: Iterable[str]) -> tuple[Matcher, ...]:
    return tuple(parse_matcher(item) for item in items)


def match_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels) for m in matchers)
