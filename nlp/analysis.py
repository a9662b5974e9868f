"""What the neural stage leaves for the rules: tokens with lemmas and NER spans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

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

    @property
    def sentences(self) -> list[range]:
        """The token indices of each sentence, in order (a sentence's tokens are adjacent)."""
        tokens = self.tokens
        breaks = [n for n in range(1, len(tokens)) if tokens[n].sent != tokens[n - 1].sent]
        edges = [0, *breaks, len(tokens)]
        return [range(start, stop) for start, stop in pairwise(edges) if start < stop]

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
# Letters and digits mixed, or five digits and more: an id, a code, a marker, a phone number
# («4be3eb», «A12-7», «45215»), found in the text (the tokenizer may split them).
CODE = re.compile(r"\b(?:(?=\w*\d)(?=\w*[^\W\d_])\w+|\d{5,})\b")


def without_names(analysis: Analysis) -> tuple[str, list[str]]:
    """The text and lemmas with the names of places and people, and codes, cut out: what a
    message says does not depend on which street, whose name or which id it mentions, yet a
    learned head fitted on a few thousand messages picks such tokens up as evidence («…на улице
    Фрунзе…» read as no complaint, «…на улице Ленина…» as one; a threat read as a thank-you or
    not depending on a six-character marker)."""
    ranges = _cut_ranges(analysis)
    if not ranges:
        return analysis.text, analysis.lemmas
    parts, at = [], 0
    for start, stop in ranges:
        parts.append(analysis.text[at:start])
        at = stop
    parts.append(analysis.text[at:])
    kept = _kept_tokens(analysis, ranges)
    lemmas = [token.lemma for token in kept if token.is_word]
    return " ".join(part.strip() for part in parts if part.strip()), lemmas


def nameless(analysis: Analysis) -> Analysis:
    """The analysis without the tokens `without_names` cuts."""
    ranges = _cut_ranges(analysis)
    if not ranges:
        return analysis
    return Analysis(analysis.text, tuple(_kept_tokens(analysis, ranges)), ())


def _cut_ranges(analysis: Analysis) -> list[tuple[int, int]]:
    """Character ranges of names and codes, sorted and merged."""
    found = [(span.start, span.stop) for span in analysis.spans if span.type in NAMES]
    found += [(match.start(), match.end()) for match in CODE.finditer(analysis.text)]
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged


def _kept_tokens(analysis: Analysis, ranges: list[tuple[int, int]]) -> list[Token]:
    return [
        token
        for token in analysis.tokens
        if not any(token.start < stop and start < token.stop for start, stop in ranges)
    ]
