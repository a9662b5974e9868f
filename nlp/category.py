"""Rubricator category from weighted lemma lexicons, one per category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nlp.config import TaggerConfig
from nlp.lexicon import Hit, Word
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


Best = tuple[int, str, int, str]  # the longest reach and its label, the longest of another label


def _reach(best: Best, stop: int, label: str) -> Best:
    """Keeps the two longest reaches of distinct labels."""
    top, top_label, second, second_label = best
    if label == top_label:
        return (max(top, stop), label, second, second_label)
    if stop > top:
        return (stop, label, top, top_label)
    if stop > second:
        return (top, top_label, stop, label)
    return best


def _other(best: Best, label: str) -> int:
    """The longest reach of a label other than `label`."""
    return best[2] if best[1] == label else best[0]


def _covered(hits: Sequence[Hit]) -> set[tuple[int, int, str]]:
    """Hits lying inside a longer hit of another rubric: the longer phrase says what they mean.

    One sweep by start: a span that starts earlier covers a hit when it reaches at least as far,
    one that starts together only when it reaches further; O(n log n), not a pair per hit."""
    spans = sorted({(hit.start, hit.stop, hit.term.label) for hit in hits})
    by_start: dict[int, list[Hit]] = {}
    for hit in hits:
        by_start.setdefault(hit.start, []).append(hit)
    empty: Best = (-1, "", -1, "")
    before = empty
    covered: set[tuple[int, int, str]] = set()
    index = 0
    while index < len(spans):
        start = spans[index][0]
        here = empty
        while index < len(spans) and spans[index][0] == start:
            here = _reach(here, spans[index][1], spans[index][2])
            index += 1
        for hit in by_start.get(start, ()):
            label = hit.term.label
            if _other(before, label) >= hit.stop or _other(here, label) > hit.stop:
                covered.add((hit.start, hit.stop, hit.term.text))
        for stop, label in ((here[0], here[1]), (here[2], here[3])):
            if stop >= 0:
                before = _reach(before, stop, label)
    return covered


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
        # Below one weak term, so the learned model only settles near-ties of the lexicon.

    def scores(self, scan: Scan, inside: Sequence[tuple[int, int]] = ()) -> dict[str, float]:
        hits = [hit for category in self.categories for hit in scan.hits(lexicon_name(category))]
        covered = _covered(hits)
        return {
            category: self._score(scan, category, inside, covered) for category in self.categories
        }

    def _score(
        self,
        scan: Scan,
        category: str,
        inside: Sequence[tuple[int, int]],
        covered: set[tuple[int, int, str]],
    ) -> float:
        """Distinct terms count once; a term seen only inside a name («у школы №3») counts less,
        and one inside a longer matched term («пропал» in «пропал свет») not at all."""
        words = scan.words
        best: dict[str, float] = {}
        for hit in scan.hits(lexicon_name(category)):
            if (hit.start, hit.stop, hit.term.text) in covered:
                continue
            first, last = words[hit.start].index, words[hit.stop - 1].index
            named = any(a <= first and last <= b for a, b in inside) or located(words, hit.start)
            weight = hit.term.weight * (self.named_factor if named else 1.0)
            best[hit.term.text] = max(best.get(hit.term.text, 0.0), weight)
        return sum(best.values())

    def classify(
        self,
        scan: Scan,
        inside: Sequence[tuple[int, int]] = (),
        learned: Mapping[str, float] | None = None,
    ) -> CategoryGuess:
        return self.decide(self.scores(scan, inside), learned)

    def decide(
        self,
        scores: Mapping[str, float],
        learned: Mapping[str, float] | None = None,
        weight: float | None = None,
    ) -> CategoryGuess:
        """The best lexicon score wins, `other` when none reaches the minimum; the learned
        probabilities (0..1, times `weight`) reorder near-ties."""
        factor = 1.0 if weight is None else weight
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < self.minimum:
            return CategoryGuess(OTHER, 0.0, tuple(ranked))
        best, top = ranked[0]
        if learned:
            best = max(ranked, key=lambda item: item[1] + factor * learned.get(item[0], 0.0))[0]
            top = scores[best]
        total = sum(score for _, score in ranked)
        # Share of the evidence, damped when the evidence itself is thin.
        confidence = (top / total) * min(1.0, top / 6.0 + 0.5)
        return CategoryGuess(best, round(confidence, 3), tuple(ranked))
