"""The learned heads: linear models over hashed n-grams, navec vectors and the rules' signals.

Trained by `python -m scripts.train_nlp_models` on real text of other people (RuParaDetox,
OpenSentimentCorpus) and on the project's own sets; the file names its sources and counts
(`meta`). Inference is two gathers and one small matrix product per batch, numpy only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.hashing import DIM, Rows
from nlp.learned import Signals, signal_vector

MODEL_FILE = "text.npz"
# Standardised dense columns are clipped here: a column almost always zero has a tiny spread, and
# its rare non-zero value must not outweigh the whole message.
CLIP = 5.0
Matrix = npt.NDArray[np.float32]


class ModelError(RuntimeError):
    """The weights file is missing or does not fit this code."""


def default_path() -> Path:
    """The weights shipped inside the package (wheel included)."""
    return Path(str(resources.files("nlp") / "models" / MODEL_FILE))


@dataclass(frozen=True)
class Head:
    """`softmax` heads pick one class of their columns; `sigmoid` heads say yes per column
    from that column's threshold."""

    name: str
    kind: str
    classes: tuple[str, ...]
    start: int
    stop: int
    thresholds: tuple[float, ...] = ()


def dense_row(embedding: Matrix, signals: Signals, categories: Sequence[str]) -> list[float]:
    return [*embedding.tolist(), *signal_vector(signals, categories)]


def _head(spec: Mapping[str, Any]) -> Head:
    return Head(
        name=str(spec["name"]),
        kind=str(spec["kind"]),
        classes=tuple(str(one) for one in spec["classes"]),
        start=int(spec["start"]),
        stop=int(spec["stop"]),
        thresholds=tuple(float(one) for one in spec["thresholds"]),
    )


@dataclass(frozen=True)
class TextModel:
    sparse: Matrix
    dense: Matrix
    bias: Matrix
    mean: Matrix
    scale: Matrix
    heads: Mapping[str, Head]
    categories: tuple[str, ...]
    lexicons: tuple[str, ...]
    embedding_columns: npt.NDArray[np.int64]
    meta: Mapping[str, Any]

    @classmethod
    def load(cls, path: Path | None = None) -> TextModel:
        path = path or default_path()
        if not path.is_file():
            raise ModelError(
                f"{path}: нет файла весов модели; соберите его: python -m scripts.train_nlp_models"
            )
        with np.load(path, allow_pickle=False) as data:
            quantised = data["sparse_q"]
            if quantised.shape[0] != DIM:
                raise ModelError(f"{path}: веса для {quantised.shape[0]} корзин, а код ждёт {DIM}")
            sparse = quantised.astype(np.float32) * data["sparse_scale"].astype(np.float32)
            heads = [_head(one) for one in json.loads(str(data["heads"]))]
            return cls(
                sparse=sparse,
                dense=data["dense"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                mean=data["mean"].astype(np.float32),
                scale=data["scale"].astype(np.float32),
                heads={head.name: head for head in heads},
                categories=tuple(str(value) for value in data["categories"]),
                lexicons=tuple(str(value) for value in data["lexicons"]),
                embedding_columns=data["embedding_columns"].astype(np.int64),
                meta=json.loads(str(data["meta"])),
            )

    def dense_matrix(self, embeddings: Matrix, signals: Sequence[Signals]) -> Matrix:
        rows = [
            dense_row(embedding[self.embedding_columns], one, self.categories)
            for embedding, one in zip(embeddings, signals, strict=True)
        ]
        matrix = np.asarray(rows, dtype=np.float32).reshape(len(rows), len(self.mean))
        result: Matrix = np.clip((matrix - self.mean) / self.scale, -CLIP, CLIP)
        return result

    def logits(self, rows: Rows, dense: Matrix) -> Matrix:
        gathered = self.sparse[rows.indices] * rows.values[:, None]
        sparse = np.add.reduceat(gathered, rows.starts[:-1], axis=0)
        result: Matrix = sparse + dense @ self.dense + self.bias
        return result

    def probabilities(self, rows: Rows, dense: Matrix) -> dict[str, Matrix]:
        logits = self.logits(rows, dense)
        result: dict[str, Matrix] = {}
        for name, head in self.heads.items():
            part = logits[:, head.start : head.stop]
            if head.kind == "softmax":
                part = part - part.max(axis=1, keepdims=True)
                exps = np.exp(part)
                result[name] = exps / exps.sum(axis=1, keepdims=True)
            else:
                one = np.float32(1.0)
                result[name] = one / (one + np.exp(-part))
        return result

    def label(self, name: str, probs: Matrix) -> str:
        head = self.heads[name]
        return head.classes[int(np.argmax(probs))]

    def flags(self, name: str, probs: Matrix) -> list[str]:
        """The columns of a sigmoid head at or over their thresholds."""
        head = self.heads[name]
        return [
            label
            for label, prob, threshold in zip(
                head.classes, probs.tolist(), head.thresholds, strict=True
            )
            if prob >= threshold
        ]
