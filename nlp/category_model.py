"""A small learned rubric model (softmax regression) that breaks near-ties of the lexicon scores.

Trained by scripts/train_category.py on the shipped labelled messages; weights live in
nlp/models/category.json. Features: content lemmas, the message kind and the lexicon scores.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.analysis import Analysis

DEFAULT_PATH = Path(__file__).parent / "models" / "category.json"
CONTENT = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV"})


def lemma_features(analysis: Analysis) -> list[str]:
    """Distinct content lemmas of a message, in order of first use."""
    seen: dict[str, None] = {}
    for token in analysis.tokens:
        if token.pos in CONTENT and token.is_word and len(token.lemma) > 1:
            seen.setdefault(token.lemma, None)
    return list(seen)


def lexicon_inputs(classes: Sequence[str], scores: Mapping[str, float]) -> list[float]:
    # Log-damped so one long message cannot drown the lemma evidence.
    return [math.log1p(max(0.0, scores.get(name, 0.0))) / 2.0 for name in classes]


def _added(logits: list[float], weights: Sequence[float], factor: float) -> list[float]:
    return [logit + factor * weight for logit, weight in zip(logits, weights, strict=True)]


@dataclass(frozen=True)
class CategoryModel:
    classes: tuple[str, ...]
    lemmas: Mapping[str, tuple[float, ...]]
    kinds: Mapping[str, tuple[float, ...]]
    lexicon: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> CategoryModel:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CategoryModel:
        return cls(
            classes=tuple(data["classes"]),
            lemmas={key: tuple(value) for key, value in data["lemmas"].items()},
            kinds={key: tuple(value) for key, value in data["kinds"].items()},
            lexicon=tuple(tuple(row) for row in data["lexicon"]),
            bias=tuple(data["bias"]),
        )

    def probabilities(
        self, lemmas: Iterable[str], kind: str, scores: Mapping[str, float]
    ) -> dict[str, float]:
        """Softmax over the rubric; lemma inputs are 1/sqrt(n) each, as in training."""
        logits = list(self.bias)
        known = [self.lemmas[lemma] for lemma in dict.fromkeys(lemmas) if lemma in self.lemmas]
        if known:
            share = 1.0 / math.sqrt(len(known))
            for weights in known:
                logits = _added(logits, weights, share)
        kind_weights = self.kinds.get(kind)
        if kind_weights is not None:
            logits = _added(logits, kind_weights, 1.0)
        inputs = lexicon_inputs(self.classes, scores)
        for value, weights in zip(inputs, self.lexicon, strict=True):
            if value:
                logits = _added(logits, weights, value)
        top = max(logits)
        exps = [math.exp(logit - top) for logit in logits]
        total = sum(exps)
        return {name: exp / total for name, exp in zip(self.classes, exps, strict=True)}
