"""Scores taggings against labelled messages (data/eval/GUIDE.md): P/R/F1 per field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nlp.conflict import REASONS

BINARY = ("toxic", "conflict", "is_complaint", "is_question", "formal_reply", "rude_reply")
ENTITY_TYPES = ("PER", "LOC", "ORG")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Any], predicted: set[Any]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def scores(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if not self.tp + self.fp + self.fn:
            precision = recall = f1 = 1.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": self.tp + self.fn,
        }


def _key(text: str) -> str:
    # «школа № 3» and «школа №3» are one normal form written two ways.
    return " ".join(text.lower().replace("ё", "е").replace("№ ", "№").split())


def evaluate(
    gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """`gold` are `labels` objects, `predicted` are `nlp` objects, aligned by position."""
    categories: dict[str, Counts] = {}
    binary = {name: Counts() for name in BINARY}
    reasons = {name: Counts() for name in REASONS}
    entities = {name: Counts() for name in ENTITY_TYPES}
    addresses, officials = Counts(), Counts()
    sentiment_hits = category_hits = 0
    for labels, nlp in zip(gold, predicted, strict=True):
        category_hits += labels["category"] == nlp["category"]
        for name in {labels["category"], nlp["category"]}:
            categories.setdefault(name, Counts()).add(
                {0} if labels["category"] == name else set(),
                {0} if nlp["category"] == name else set(),
            )
        sentiment_hits += labels["sentiment"] == nlp["sentiment"]
        for name in BINARY:
            if labels.get(name) is None:
                continue
            binary[name].add({0} if labels[name] else set(), {0} if nlp.get(name) else set())
        for name in REASONS:
            reasons[name].add(
                {0} if name in labels.get("conflict_reasons", []) else set(),
                {0} if name in nlp.get("conflict_reasons", []) else set(),
            )
        for name in ENTITY_TYPES:
            entities[name].add(_normals(labels["entities"], name), _normals(nlp["entities"], name))
        addresses.add(_set(labels["addresses"]), _set(nlp["addresses"]))
        officials.add(_set(labels["officials"]), _set(nlp["officials"]))
    total = len(gold)
    per_category = {name: counts.scores() for name, counts in sorted(categories.items())}
    return {
        "messages": total,
        "category": {
            "macro_f1": round(_macro(per_category), 4),
            "accuracy": round(category_hits / total, 4) if total else 0.0,
            "per_category": per_category,
        },
        "sentiment": {"accuracy": round(sentiment_hits / total, 4) if total else 0.0},
        **{name: counts.scores() for name, counts in binary.items()},
        "conflict_reasons": {name: counts.scores() for name, counts in reasons.items()},
        "entities": {name: counts.scores() for name, counts in entities.items()},
        "addresses": addresses.scores(),
        "officials": officials.scores(),
    }


def _macro(per_category: Mapping[str, Mapping[str, float]]) -> float:
    supported = [scores["f1"] for scores in per_category.values()]
    return sum(supported) / len(supported) if supported else 0.0


def _normals(entities: Iterable[Mapping[str, str]], kind: str) -> set[str]:
    return {_key(entity["normal"]) for entity in entities if entity.get("type") == kind}


def _set(values: Iterable[str]) -> set[str]:
    return {_key(value) for value in values}
