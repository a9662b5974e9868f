"""The feature table: every sample tagged by the rules, hashed, embedded, with its labels."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nlp.analysis import without_names
from nlp.conflict import REASONS
from nlp.hashing import Rows, features
from nlp.learned import SENTIMENTS
from nlp.tagger import Tagger, TextItem
from nlp.textmodel import dense_row
from scripts.nlp_training.corpus import Sample

Matrix = npt.NDArray[np.float64]
# Reasons a citizen's message can give; `rude_reply` belongs to official replies.
CITIZEN_REASONS = tuple(reason for reason in REASONS if reason != "rude_reply")
OTHER = "other"


def validation(text: str) -> bool:
    """One text in five, for thresholds and the training report; independent of the test split
    of nlp/corpora.py (another byte of the hash), so it also takes rows of the training parts."""
    key = " ".join(text.lower().replace("ё", "е").split())
    return hashlib.sha256(key.encode("utf-8")).digest()[1] % 5 == 0


@dataclass
class Table:
    rows: Rows
    dense: Matrix
    labels: list[dict[str, object]]
    sources: list[str]
    held_out: npt.NDArray[np.bool_]
    categories: tuple[str, ...]
    category_classes: tuple[str, ...]
    lexicons: tuple[str, ...]
    embedding_columns: npt.NDArray[np.int64]
    texts: list[str]

    def target(self, field: str) -> tuple[npt.NDArray[np.int64], Matrix]:
        """Rows labelling `field` and their 0/1 targets, one column per class or reason."""
        if field == "conflict":
            picked = [n for n, one in enumerate(self.labels) if "conflict_reasons" in one]
            y = [
                [float(r in self.labels[n]["conflict_reasons"]) for r in CITIZEN_REASONS]
                for n in picked
            ]  # type: ignore[operator]
        elif field in {"toxic", "is_complaint", "rude_reply"}:
            picked = [n for n, one in enumerate(self.labels) if one.get(field) is not None]
            y = [[float(bool(self.labels[n][field]))] for n in picked]
        else:
            classes = self.classes(field)
            picked = [n for n, one in enumerate(self.labels) if one.get(field) in classes]
            y = [[float(self.labels[n][field] == c) for c in classes] for n in picked]
        return np.asarray(picked, dtype=np.int64), np.asarray(y, dtype=np.float64)

    def classes(self, field: str) -> tuple[str, ...]:
        if field == "category":
            return self.category_classes
        if field == "sentiment":
            return SENTIMENTS
        if field == "conflict":
            return CITIZEN_REASONS
        return ("true",)


def build_table(samples: Sequence[Sample], batch: int = 64) -> Table:
    tagger = Tagger(model=False)
    items = [TextItem(sample.example.text, sample.example.kind) for sample in samples]
    categories = tuple(tagger.categoriser.categories)
    dim = tagger.embedder.dim
    lexicons = len(tagger.embedder.lexicons)
    columns = np.concatenate([np.arange(dim), np.arange(2 * dim, 2 * dim + 2 * lexicons)])
    dense: list[list[float]] = []
    texts: list[str] = []
    lemmas: list[list[str]] = []
    for start in range(0, len(items), batch):
        for _, vector, signals, analysis in tagger.head_inputs(items[start : start + batch]):
            dense.append(dense_row(vector[columns], signals, categories))
            # What the heads read: the text without places' and people's names (the tagger too).
            text, words = without_names(analysis)
            texts.append(text)
            lemmas.append(words)
        if start % (batch * 50) == 0:
            print(f"tagged {start + batch} of {len(items)}", flush=True)
    labels = [dict(sample.example.labels) for sample in samples]
    gold = {str(one["category"]) for one in labels if one.get("category")}
    return Table(
        rows=features(texts, lemmas),
        dense=np.asarray(dense, dtype=np.float64),
        labels=labels,
        sources=[sample.source for sample in samples],
        held_out=np.asarray([validation(sample.key) for sample in samples]),
        categories=categories,
        category_classes=tuple(sorted({*categories, OTHER, *gold})),
        lexicons=tuple(tagger.embedder.lexicons),
        embedding_columns=columns.astype(np.int64),
        texts=texts,
    )
