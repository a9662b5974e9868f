"""One pass of all named lexicons over a message; rules then read hits by lexicon name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nlp.lexicon import Hit, Lexicon, Normaliser, Term, Word


@dataclass(frozen=True)
class Scan:
    words: Sequence[Word]
    by_name: Mapping[str, list[Hit]] = field(default_factory=dict)

    def hits(self, name: str) -> list[Hit]:
        return self.by_name.get(name, [])

    def score(self, name: str) -> float:
        """Sum of weights of distinct matched terms of one lexicon."""
        return weight(self.hits(name))


def weight(hits: Iterable[Hit]) -> float:
    """Sum of weights of the distinct terms among `hits`."""
    return sum(term.weight for term in {hit.term for hit in hits})


class Scanner:
    """Merges named lexicons into one index so a message is walked once, not once per lexicon."""

    def __init__(self, lexicons: Mapping[str, Mapping[str, float]], normalise: Normaliser) -> None:
        merged: list[Term] = []
        for name, weighted in lexicons.items():
            labels = dict.fromkeys(weighted, name)
            merged.extend(Lexicon.build(weighted, normalise, labels).terms)
        self.lexicon = Lexicon(merged)

    def scan(self, words: Sequence[Word]) -> Scan:
        grouped: dict[str, list[Hit]] = {}
        for hit in self.lexicon.hits(words):
            grouped.setdefault(hit.term.label, []).append(hit)
        return Scan(words, grouped)
