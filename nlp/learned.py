"""Linear heads over navec sentence vectors plus the rule signals (scripts/train_nlp_models.py).

A message becomes the mean and the max of the navec vectors of its content lemmas, joined with
what the lexicon rules already found (category scores, polarity, toxicity, conflict reasons,
intents). Small softmax heads read that vector; each head is on only where cross-validation
showed it generalises better than the rules alone (the `enabled` flags in the weights file).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.analysis import Analysis
from nlp.conflict import REASONS

DEFAULT_PATH = Path(__file__).parent / "models" / "heads.npz"
CONTENT = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV"})
KINDS = ("post", "comment", "appeal", "reply")
SENTIMENTS = ("negative", "neutral", "positive")
HEADS = ("category", "sentiment", "conflict")
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
    return row


class Embedder:
    """Sentence vectors from the navec table natasha already holds (no second copy in memory)."""

    def __init__(self, navec: Any) -> None:
        self._ids: Mapping[str, int] = navec.vocab.word_ids
        self._indexes: npt.NDArray[np.uint8] = navec.pq.indexes
        self._codes: npt.NDArray[np.float32] = navec.pq.codes
        self._qdims = np.arange(navec.pq.qdim)
        self.dim = int(navec.pq.dim)

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

    def vector(self, analysis: Analysis) -> Vector:
        """Mean then max of the content word vectors; zeros when no word is known."""
        ids = self.words(analysis)
        if not ids:
            return np.zeros(2 * self.dim, dtype=np.float32)
        vectors = self._codes[self._qdims, self._indexes[ids]].reshape(len(ids), self.dim)
        return np.concatenate([vectors.mean(axis=0), vectors.max(axis=0)]).astype(np.float32)


@dataclass(frozen=True)
class Head:
    """`margin`: the probability from which the head's label overrules the rules."""

    classes: tuple[str, ...]
    weights: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    margin: float = 0.0

    def probabilities(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        logits = features @ self.weights + self.bias
        logits -= logits.max(axis=-1, keepdims=True)
        exps = np.exp(logits)
        result: npt.NDArray[np.float32] = exps / exps.sum(axis=-1, keepdims=True)
        return result


@dataclass(frozen=True)
class Heads:
    """Standardisation, the heads and which of them the tagger uses."""

    categories: tuple[str, ...]
    mean: npt.NDArray[np.float32]
    scale: npt.NDArray[np.float32]
    heads: Mapping[str, Head]
    enabled: frozenset[str]
    category_weight: float

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Heads:
        with np.load(path, allow_pickle=False) as data:
            heads = {
                name: Head(
                    tuple(str(value) for value in data[f"{name}_classes"]),
                    data[f"{name}_weights"].astype(np.float32),
                    data[f"{name}_bias"].astype(np.float32),
                    float(data[f"{name}_margin"]),
                )
                for name in HEADS
                if f"{name}_weights" in data
            }
            return cls(
                categories=tuple(str(value) for value in data["categories"]),
                mean=data["mean"].astype(np.float32),
                scale=data["scale"].astype(np.float32),
                heads=heads,
                enabled=frozenset(str(value) for value in data["enabled"]),
                category_weight=float(data["category_weight"]),
            )

    def features(self, embedding: Vector, signals: Signals) -> Vector:
        row = np.asarray(signal_vector(signals, self.categories), dtype=np.float32)
        joined = np.concatenate([embedding, row])
        result: Vector = (joined - self.mean) / self.scale
        return result

    def predict(self, name: str, features: Vector) -> dict[str, float] | None:
        """Class probabilities of an enabled head, else None."""
        head = self.heads.get(name)
        if head is None or name not in self.enabled:
            return None
        probs = head.probabilities(features)
        return {label: float(p) for label, p in zip(head.classes, probs, strict=True)}

    def label(self, name: str, features: Vector) -> str | None:
        """The enabled head's label when it is sure enough (its margin), else None."""
        probs = self.predict(name, features)
        if probs is None:
            return None
        best = max(probs, key=lambda label: probs[label])
        return best if probs[best] >= self.heads[name].margin else None
