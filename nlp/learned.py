"""Dense inputs of the learned heads (nlp/textmodel.py): navec sentence vectors and the rules'
signals (category scores, polarity, toxicity, conflict reasons, intents) as numbers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.analysis import Analysis
from nlp.conflict import REASONS

CONTENT = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV"})
# «sentence»: a sentence of a shared corpus (OpenSentimentCorpus), in training only. Its own
# column keeps the priors of essays and news (no insult, no conflict, set by corpus.py) out of the
# column of citizens' posts: read as posts, 4,415 sentences against 330 posts of the project made
# «Снова пишу про яму…, машины бьются!» a positive post with no complaint and no conflict.
SENTENCE = "sentence"
KINDS = ("post", "comment", "appeal", "reply", SENTENCE)
SENTIMENTS = ("negative", "neutral", "positive")
# Lexicons besides the rubrics whose terms the soft matching stretches to near words.
SOFT = (
    "positive",
    "negative",
    "sarcasm",
    "outrage",
    "accusation",
    "repeated",
    "collective_action",
    "complaint",
    "insult",
    "threat",
    "rude",
    "formal",
)
Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Signals:
    """What the rules found for one message, as the heads read it."""

    kind: str
    category_scores: Mapping[str, float]
    positive: float
    negative: float
    sarcasm: bool
    toxicity: float
    conflict_reasons: tuple[str, ...]
    complaint: bool
    question: bool
    rude: bool
    sentiment: str
    exclamations: int
    # Official replies only: stock-phrase and substance scores, dates and named persons.
    formal: float = 0.0
    concrete: float = 0.0
    dates: int = 0
    people: int = 0
    # Reasons read from the sentence (nlp/repeats.py, nlp/rhetoric.py): the tagger keeps them
    # whatever the conflict head says; the heads do not read this field.
    read_reasons: tuple[str, ...] = ()
    # How many words the text has; the heads do not read it (nlp/tagger.py: MIN_HEAD_WORDS).
    words: int = 0
    # The writer frowns («:(», «((»: nlp/sentiment.py `frowns`); the heads do not read it.
    frown: bool = False


def signal_vector(signals: Signals, categories: Sequence[str]) -> list[float]:
    # Log-damped counts so one long message cannot dominate a linear head.
    row = [math.log1p(max(0.0, signals.category_scores.get(name, 0.0))) for name in categories]
    row += [1.0 if signals.kind == kind else 0.0 for kind in KINDS]
    row += [math.log1p(signals.positive), math.log1p(signals.negative), float(signals.sarcasm)]
    row += [signals.toxicity, float(bool(signals.conflict_reasons))]
    row += [1.0 if reason in signals.conflict_reasons else 0.0 for reason in REASONS]
    row += [float(signals.complaint), float(signals.question), float(signals.rude)]
    row += [1.0 if signals.sentiment == label else 0.0 for label in SENTIMENTS]
    row += [math.log1p(signals.exclamations)]
    row += [math.log1p(signals.formal), math.log1p(signals.concrete)]
    row += [
        math.log1p(signals.concrete - signals.formal) if signals.concrete > signals.formal else 0.0
    ]
    row += [math.log1p(signals.dates), math.log1p(signals.people)]
    return row


class Embedder:
    """Sentence vectors from the navec table natasha already holds (no second copy in memory):
    mean and max of the content words, then per lexicon the best and the mean nearness of the
    message's words to the lexicon's terms (a soft lexicon match that reaches unlisted words)."""

    def __init__(self, navec: Any, lexicons: Mapping[str, Iterable[str]] | None = None) -> None:
        lexicons = lexicons or {}
        self._ids: Mapping[str, int] = navec.vocab.word_ids
        self._indexes: npt.NDArray[np.uint8] = navec.pq.indexes
        self._codes: npt.NDArray[np.float32] = navec.pq.codes
        self._qdims = np.arange(navec.pq.qdim)
        self.dim = int(navec.pq.dim)
        self.lexicons = tuple(lexicons)
        rows: list[Vector] = []
        starts: list[int] = []
        present: list[int] = []
        for number, terms in enumerate(lexicons.values()):
            first = len(rows)
            for term in terms:
                ids = [self._ids[word] for word in term.lower().split() if word in self._ids]
                if ids:
                    rows.append(self._unit(self._vectors(ids).mean(axis=0)))
            if len(rows) > first:
                starts.append(first)
                present.append(number)
        # Terms lie grouped by lexicon, so one reduceat per batch gives every lexicon's best.
        self._terms = np.asarray(rows, dtype=np.float32).reshape(len(rows), self.dim)
        self._term_starts = np.asarray(starts, dtype=np.int64)
        self._present = np.asarray(present, dtype=np.int64)
        self._near: dict[int, Vector] = {}

    @property
    def width(self) -> int:
        return 2 * self.dim + 2 * len(self.lexicons)

    def _vectors(self, ids: Sequence[int]) -> Vector:
        return self._codes[self._qdims, self._indexes[list(ids)]].reshape(len(ids), self.dim)

    @staticmethod
    def _unit(vectors: Vector) -> Vector:
        norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
        result: Vector = vectors / np.maximum(norms, 1e-6)
        return result

    def words(self, analysis: Analysis) -> list[int]:
        ids: dict[int, None] = {}
        for token in analysis.tokens:
            if token.pos not in CONTENT or not token.is_word:
                continue
            found = self._ids.get(token.lemma)
            if found is None:
                found = self._ids.get(token.text.lower())
            if found is not None:
                ids.setdefault(found, None)
        return list(ids)

    def _nearness(self, ids: Sequence[int]) -> Vector:
        """Per word, its best cosine to each lexicon; cached, as word use is very skewed."""
        cache = self._near
        missing = list(dict.fromkeys(word for word in ids if word not in cache))
        if missing:
            if len(cache) + len(missing) > 100_000:
                cache.clear()
            near = self._unit(self._vectors(missing)) @ self._terms.T
            best = np.maximum.reduceat(near, self._term_starts, axis=1)
            cache.update(zip(missing, best, strict=True))
        return np.asarray([cache[word] for word in ids], dtype=np.float32)

    def vector(self, analysis: Analysis) -> Vector:
        result: Vector = self.vectors([analysis])[0]
        return result

    def vectors(self, analyses: Sequence[Analysis]) -> Vector:
        """One row per message: mean, max, then soft lexicon nearness (best and mean over the
        words); zeros when no word is known. One gather and one matrix product per batch."""
        groups = [self.words(analysis) for analysis in analyses]
        result = np.zeros((len(groups), self.width), dtype=np.float32)
        filled = [number for number, ids in enumerate(groups) if ids]
        if not filled:
            return result
        counts = np.asarray([len(groups[number]) for number in filled])
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        vectors = self._vectors([word for number in filled for word in groups[number]])
        dim = self.dim
        result[filled, :dim] = np.add.reduceat(vectors, starts, axis=0) / counts[:, None]
        result[filled, dim : 2 * dim] = np.maximum.reduceat(vectors, starts, axis=0)
        if len(self._terms):
            per_word = self._nearness([word for number in filled for word in groups[number]])
            best = np.maximum.reduceat(per_word, starts, axis=0)
            mean = np.add.reduceat(per_word, starts, axis=0) / counts[:, None]
            lexicons = len(self.lexicons)
            rows = np.asarray(filled)[:, None]
            result[rows, 2 * dim + self._present] = best
            result[rows, 2 * dim + lexicons + self._present] = mean
        return result
