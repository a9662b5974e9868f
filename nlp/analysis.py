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


NAMES = frozenset({"LOC", "PER"})


def without_names(analysis: Analysis) -> tuple[str, list[str]]:
    """The text and lemmas with the places' and people's names cut out: what a message says
    does not depend on which street or whose name it is about, yet a learned head fitted on a
    few thousand messages picks some names up as evidence («…на улице Фрунзе…» read as no
    complaint, «…на улице Ленина…» as one)."""
    spans = [span for span in analysis.spans if span.type in NAMES]
    if not spans:
        return analysis.text, analysis.lemmas
    parts, at = [], 0
    for span in sorted(spans, key=lambda one: one.start):
        if span.start >= at:
            parts.append(analysis.text[at : span.start])
            at = span.stop
    parts.append(analysis.text[at:])
    cut = _name_tokens(analysis)
    lemmas = [t.lemma for n, t in enumerate(analysis.tokens) if t.is_word and n not in cut]
    return " ".join(part.strip() for part in parts if part.strip()), lemmas


def nameless(analysis: Analysis) -> Analysis:
    """The analysis without the tokens of places' and people's names (see `without_names`)."""
    cut = _name_tokens(analysis)
    if not cut:
        return analysis
    tokens = tuple(t for n, t in enumerate(analysis.tokens) if n not in cut)
    return Analysis(analysis.text, tokens, ())


def _name_tokens(analysis: Analysis) -> set[int]:
    spans = [span for span in analysis.spans if span.type in NAMES]
    return {n for span in spans for n in range(span.first, span.last + 1)}
