"""Phrase lexicons over lemmas: `яма`, `ремонт дорога`, `ворова*`, `администрация ... не делать`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nlp.analysis import Analysis, Token

GAP = "..."
GAP_ITEM = frozenset({GAP})
MAX_GAP = 6
PREFIX = 3
SIZES = range(1, PREFIX + 1)
Normaliser = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Word:
    """One lemma-level token of a message: its lemma, its lower-cased form, its sentence."""

    lemma: str
    form: str
    sent: int
    index: int


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    items: tuple[frozenset[str], ...]
    weight: float
    label: str = ""
    # Exact items past the first: a message lacking any of them cannot match (a cheap set test).
    required: tuple[frozenset[str], ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        required = tuple(
            item
            for item in self.items[1:]
            if item != GAP_ITEM and not any(variant.endswith("*") for variant in item)
        )
        object.__setattr__(self, "required", required)

    def possible(self, vocabulary: frozenset[str] | set[str]) -> bool:
        return all(not item.isdisjoint(vocabulary) for item in self.required)

    def item_matches(self, item: frozenset[str], word: Word) -> bool:
        for variant in item:
            if variant.endswith("*"):
                if word.lemma.startswith(variant[:-1]) or word.form.startswith(variant[:-1]):
                    return True
            elif variant in (word.lemma, word.form):
                return True
        return False

    def match_at(
        self, words: Sequence[Word], start: int, first_matched: bool = False
    ) -> int | None:
        """Returns the index after the match starting at `start`, or None."""
        if first_matched and len(self.items) == 1:
            return start + 1
        position = start + int(first_matched)
        gap = False
        for item in self.items[int(first_matched) :]:
            if item == GAP_ITEM:
                gap = True
                continue
            limit = min(len(words), position + (MAX_GAP + 1 if gap else 1))
            found = None
            for index in range(position, limit):
                if words[index].sent != words[start].sent:
                    break
                if self.item_matches(item, words[index]):
                    found = index
                    break
            if found is None:
                return None
            position = found + 1
            gap = False
        return position


@dataclass(frozen=True, slots=True)
class Hit:
    term: Term
    start: int
    stop: int


def words_of(analysis: Analysis) -> list[Word]:
    """Word tokens only; `index` points back into `analysis.tokens`."""
    return [_word(token, index) for index, token in enumerate(analysis.tokens) if token.is_word]


def _word(token: Token, index: int) -> Word:
    return Word(token.lemma, token.text.lower().replace("ё", "е"), token.sent, index)


def normal_item(item: str, normalise: Normaliser | None) -> frozenset[str]:
    """The written word and, when it differs, its lemma: either may match a message word.
    `=скажите` matches that very form only (an imperative, not any form of «сказать»)."""
    item = item.lower().replace("ё", "е")
    if item.startswith("=") and len(item) > 1:
        return frozenset({item[1:]})
    if normalise is None or item == GAP or item.endswith("*"):
        return frozenset({item})
    return frozenset({item, normalise(item)})


class Lexicon:
    """A weighted set of terms; `hits` finds every occurrence in a message's words.

    Terms whose first two items are exact words are indexed by that pair, so a common first word
    («в», «не») does not make every term starting with it a candidate at each occurrence."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = tuple(terms)
        self._exact: dict[str, list[Term]] = {}
        self._pairs: dict[tuple[str, str], list[Term]] = {}
        self._prefix: dict[str, list[Term]] = {}
        for term in self.terms:
            second = term.items[1] if len(term.items) > 1 else GAP_ITEM
            paired = second != GAP_ITEM and not any(variant.endswith("*") for variant in second)
            for variant in term.items[0]:
                if variant.endswith("*"):
                    self._prefix.setdefault(variant[:-1][:PREFIX], []).append(term)
                elif paired:
                    for following in second:
                        self._pairs.setdefault((variant, following), []).append(term)
                else:
                    self._exact.setdefault(variant, []).append(term)

    @classmethod
    def build(
        cls,
        weighted: Mapping[str, float],
        normalise: Normaliser | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> Lexicon:
        terms = []
        for text, weight in weighted.items():
            items = tuple(normal_item(item, normalise) for item in text.split())
            if items and items[0] != GAP_ITEM:
                terms.append(Term(text, items, weight, (labels or {}).get(text, "")))
        return cls(terms)

    @classmethod
    def gazetteer(
        cls, entries: Mapping[str, Sequence[str]], normalise: Normaliser | None = None
    ) -> Lexicon:
        """Terms labelled with the normal form they refer to: {"Камышлов": ["камышлов"]}."""
        labels = {term: normal for normal, terms in entries.items() for term in terms}
        return cls.build(dict.fromkeys(labels, 1.0), normalise, labels)

    def hits(self, words: Sequence[Word]) -> list[Hit]:
        found: list[Hit] = []
        exact, pairs, prefix = self._exact, self._pairs, self._prefix
        vocabulary = {word.lemma for word in words} | {word.form for word in words}
        last = len(words) - 1
        for start, word in enumerate(words):
            keys = (word.lemma,) if word.form == word.lemma else (word.lemma, word.form)
            candidates: list[Term] = []
            for key in keys:
                candidates.extend(exact.get(key, ()))
            if pairs and start < last and words[start + 1].sent == word.sent:
                after = words[start + 1]
                following = (
                    (after.lemma,) if after.form == after.lemma else (after.lemma, after.form)
                )
                for key in keys:
                    for next_key in following:
                        candidates.extend(pairs.get((key, next_key), ()))
            seen: set[int] = set()
            for term in candidates:
                if id(term) not in seen:
                    seen.add(id(term))
                    if term.required and not term.possible(vocabulary):
                        continue
                    stop = term.match_at(words, start, first_matched=True)
                    if stop is not None:
                        found.append(Hit(term, start, stop))
            if prefix:
                for key in {text[:size] for text in keys for size in SIZES}:
                    for term in prefix.get(key, ()):
                        if id(term) not in seen:
                            seen.add(id(term))
                            if term.required and not term.possible(vocabulary):
                                continue
                            stop = term.match_at(words, start)
                            if stop is not None:
                                found.append(Hit(term, start, stop))
        return found

    def score(self, words: Sequence[Word]) -> float:
        """Sum of weights of distinct matched terms."""
        return sum(term.weight for term in {hit.term for hit in self.hits(words)})

    def matched(self, words: Sequence[Word]) -> list[str]:
        seen: dict[str, None] = {}
        for hit in self.hits(words):
            seen.setdefault(hit.term.text, None)
        return list(seen)
