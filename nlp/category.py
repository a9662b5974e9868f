"""Rubricator category from weighted lemma lexicons, one per category."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.config import TaggerConfig
from nlp.lexicon import Word
from nlp.scan import Scan

OTHER = "other"
LOCATIVE = {"у", "возле", "около", "напротив", "рядом", "между", "вдоль", "недалеко", "неподалеку"}


def lexicon_name(category: str) -> str:
    return f"category:{category}"


def located(words: Sequence[Word], start: int) -> bool:
    """«у школы», «возле ЦРБ»: the word only says where, not what the message is about."""
    before = [word.lemma for word in words[max(0, start - 2) : start]]
    if not before:
        return False
    return before[-1] in LOCATIVE or (before[0] in LOCATIVE and before[-1] == "с")


@dataclass(frozen=True, slots=True)
class CategoryGuess:
    category: str
    score: float
    scores: tuple[tuple[str, float], ...] = ()


class Categoriser:
    """Sums the weights of distinct matched terms; the best category wins, `other` when none."""

    def __init__(self, config: TaggerConfig) -> None:
        self.categories = [category for category, terms in config.categories.items() if terms]
        self.minimum = config.threshold("category_min_score", 1.0)
        self.named_factor = config.threshold("category_named_factor", 0.4)

    def scores(self, scan: Scan, inside: Sequence[tuple[int, int]] = ()) -> dict[str, float]:
        return {category: self._score(scan, category, inside) for category in self.categories}

    def _score(self, scan: Scan, category: str, inside: Sequence[tuple[int, int]]) -> float:
        """Distinct terms count once; a term seen only inside a name («у школы №3») counts less."""
        words = scan.words
        best: dict[str, float] = {}
        for hit in scan.hits(lexicon_name(category)):
            first, last = words[hit.start].index, words[hit.stop - 1].index
            named = any(a <= first and last <= b for a, b in inside) or located(words, hit.start)
            weight = hit.term.weight * (self.named_factor if named else 1.0)
            best[hit.term.text] = max(best.get(hit.term.text, 0.0), weight)
        return sum(best.values())

    def classify(self, scan: Scan, inside: Sequence[tuple[int, int]] = ()) -> CategoryGuess:
        scores = self.scores(scan, inside)
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < self.minimum:
            return CategoryGuess(OTHER, 0.0, tuple(ranked))
        best, top = ranked[0]
        total = sum(score for _, score in ranked)
        # Share of the evidence, damped when the evidence itself is thin.
        confidence = (top / total) * min(1.0, top / 6.0 + 0.5)
        return CategoryGuess(best, round(confidence, 3), tuple(ranked))
