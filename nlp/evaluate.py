"""Scores taggings against labelled messages (data/eval/GUIDE.md): P/R/F1 per field."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
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
    """`gold` are `labels` objects, `predicted` are `nlp` objects, aligned by position. A field
    is scored over the messages whose labels hold it; one no message labels is left out."""
    metrics: dict[str, Any] = {"messages": len(gold)}
    pairs = list(zip(gold, predicted, strict=True))

    def labelled(name: str) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        return [(labels, nlp) for labels, nlp in pairs if labels.get(name) is not None]

    if rows := labelled("category"):
        metrics["category"] = _classes([(g["category"], p["category"]) for g, p in rows])
    if rows := labelled("sentiment"):
        scores = _classes([(g["sentiment"], p["sentiment"]) for g, p in rows])
        per_class = scores["per_category"]
        polar = [per_class.get(name, {}).get("f1", 0.0) for name in ("positive", "negative")]
        metrics["sentiment"] = {
            "accuracy": scores["accuracy"],
            "macro_f1": scores["macro_f1"],
            "f1_pn": round(sum(polar) / 2, 4),
            "per_class": per_class,
        }
    for name in BINARY:
        if rows := labelled(name):
            counts = Counts()
            for labels, nlp in rows:
                counts.add({0} if labels[name] else set(), {0} if nlp.get(name) else set())
            metrics[name] = counts.scores()
    if rows := labelled("conflict_reasons"):
        metrics["conflict_reasons"] = {
            reason: _flag(rows, partial(_has_reason, reason)) for reason in REASONS
        }
    if rows := labelled("entities"):
        metrics["entities"] = {
            kind: _sets(rows, partial(_normals_of, kind)) for kind in ENTITY_TYPES
        }
    if rows := labelled("entities_text"):
        # Sources that name what the text says, not a normal form (factRuEval-2016).
        metrics["entities_text"] = {
            kind: _sets(rows, partial(_texts_of, kind)) for kind in ENTITY_TYPES
        }
    for name in ("addresses", "officials"):
        if rows := labelled(name):
            metrics[name] = _sets(rows, partial(_values_of, name))
    return metrics


Pairs = Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]


def _flag(rows: Pairs, test: Callable[[Mapping[str, Any]], bool]) -> dict[str, float]:
    counts = Counts()
    for labels, nlp in rows:
        counts.add({0} if test(labels) else set(), {0} if test(nlp) else set())
    return counts.scores()


def _sets(rows: Pairs, values: Callable[[Mapping[str, Any]], set[str]]) -> dict[str, float]:
    counts = Counts()
    for labels, nlp in rows:
        counts.add(values(labels), values(nlp))
    return counts.scores()


def _classes(rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    counts: dict[str, Counts] = {}
    for gold, guess in rows:
        for name in {gold, guess}:
            counts.setdefault(name, Counts()).add(
                {0} if gold == name else set(), {0} if guess == name else set()
            )
    per_category = {name: one.scores() for name, one in sorted(counts.items())}
    hits = sum(gold == guess for gold, guess in rows)
    return {
        "macro_f1": round(_macro(per_category), 4),
        "accuracy": round(hits / len(rows), 4),
        "per_category": per_category,
    }


def _macro(per_category: Mapping[str, Mapping[str, float]]) -> float:
    supported = [scores["f1"] for scores in per_category.values()]
    return sum(supported) / len(supported) if supported else 0.0


def _normals(entities: Iterable[Mapping[str, str]], kind: str) -> set[str]:
    return {_key(entity["normal"]) for entity in entities if entity.get("type") == kind}


def _set(values: Iterable[str]) -> set[str]:
    return {_key(value) for value in values}


def _has_reason(reason: str, one: Mapping[str, Any]) -> bool:
    return reason in one.get("conflict_reasons", [])


def _normals_of(kind: str, one: Mapping[str, Any]) -> set[str]:
    return _normals(one.get("entities", []), kind)


def _texts_of(kind: str, one: Mapping[str, Any]) -> set[str]:
    """Sources that name what the text says, not a normal form (factRuEval-2016)."""
    return _texts(one.get("entities_text", one.get("entities", [])), kind)


def _values_of(name: str, one: Mapping[str, Any]) -> set[str]:
    return _set(one.get(name, []))


def _texts(entities: Iterable[Mapping[str, str]], kind: str) -> set[str]:
    return {_key(entity["text"]) for entity in entities if entity.get("type") == kind}
