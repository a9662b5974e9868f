"""What the neural stage leaves for the rules: tokens with lemmas and NER spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORDLIKE = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    stop: int
    text: str
    pos: str
    feats: tuple[tuple[str, str], ...]
    lemma: str
    sent: int

    def feat(self, name: str) -> str | None:
        for key, value in self.feats:
            if key == name:
                return value
        return None

    @property
    def is_word(self) -> bool:
        return WORDLIKE.search(self.text) is not None


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    stop: int
    type: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    spans: tuple[Span, ...]

    @property
    def lemmas(self) -> list[str]:
        return [token.lemma for token in self.tokens if token.is_word]

    def span_tokens(self, span: Span) -> tuple[Token, ...]:
        return self.tokens[span.first : span.last + 1]


@dataclass(frozen=True, slots=True)
class Entity:
    type: str
    text: str
    normal: str
    first: int
    last: int

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "text": self.text, "normal": self.normal}

    def overlaps(self, first: int, last: int) -> bool:
        return self.first <= last and first <= self.last
