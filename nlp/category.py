"""Rubricator category from weighted lemma lexicons, one per category."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.config import TaggerConfig
from nlp.lexicon import Lexicon, Normaliser, Word

OTHER = "other"


@dataclass(frozen=True, slots=True)
class CategoryGuess:
    category: str
    score: float
    scores: tuple[tuple[str, float], ...] = ()


class Categoriser:
    """Sums the weights of distinct matched terms; the best category wins, `other` when none."""

    def __init__(self, config: TaggerConfig, normalise: Normaliser) -> None:
        self.lexicons = {
            category: Lexicon.build(terms, normalise)
            for category, terms in config.categories.items()
            if terms
        }
        self.minimum = config.threshold("category_min_score", 1.0)

    def scores(self, words: Sequence[Word]) -> dict[str, float]:
        return {category: lexicon.score(words) for category, lexicon in self.lexicons.items()}

    def classify(self, words: Sequence[Word]) -> CategoryGuess:
        scores = self.scores(words)
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < self.minimum:
            return CategoryGuess(OTHER, 0.0, tuple(ranked))
        best, top = ranked[0]
        total = sum(score for _, score in ranked)
        # Share of the evidence, damped when the evidence itself is thin.
        confidence = (top / total) * min(1.0, top / 6.0 + 0.5)
        return CategoryGuess(best, round(confidence, 3), tuple(ranked))
