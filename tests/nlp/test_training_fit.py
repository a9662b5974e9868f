"""The experiment options of the heads' fit (scripts/nlp_training/fit.py `fit_head`): row
weights and a per-bucket scale, which scripts/sentiment_variants.py uses."""

from __future__ import annotations

from typing import Any

import numpy as np

from nlp.hashing import DIM, Rows
from scripts.nlp_training.fit import fit_head
from scripts.nlp_training.table import Table

# Four rows of three classes over a few buckets, two dense columns.
BUCKETS = [[1, 2], [2, 3], [4], [1, 4, 5]]
Y = np.eye(3)[[0, 1, 2, 0]]


def table() -> Table:
    indices = np.asarray([b for row in BUCKETS for b in row], dtype=np.int64)
    starts = np.cumsum([0, *map(len, BUCKETS)]).astype(np.int64)
    rows = Rows(indices, np.ones(len(indices), dtype=np.float32), starts)
    dense = np.asarray([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, -1.0]])
    return Table(rows, dense, [{}] * 4, ["a"] * 4, np.zeros(4, bool), (), (), (), np.arange(2), [])


def fit(picked: list[int], **options: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = table()
    chosen = np.asarray(picked, dtype=np.int64)
    result = fit_head(t, t.dense, chosen, Y[chosen], "softmax", (1e-3, 1e-3), steps=40, **options)
    return result.sparse, result.dense, result.bias


def test_weights_of_one_change_nothing() -> None:
    plain, weighted = fit([0, 1, 2, 3]), fit([0, 1, 2, 3], weights=np.ones(4))
    assert all(np.array_equal(a, b) for a, b in zip(plain, weighted, strict=True))


def test_a_row_of_weight_zero_is_a_row_left_out() -> None:
    without = fit([0, 1, 2])
    zero = fit([0, 1, 2, 3], weights=np.asarray([1.0, 1.0, 1.0, 0.0]))
    assert all(np.allclose(a, b) for a, b in zip(without, zero, strict=True))
    assert not np.allclose(fit([0, 1, 2, 3])[1], without[1])


def test_a_bucket_scale_is_folded_into_the_weights_like_the_gain() -> None:
    scaled = fit([0, 1, 2, 3], gain=1.0, bucket_scale=np.full(DIM, 2.0))
    gained = fit([0, 1, 2, 3], gain=2.0)
    assert all(np.allclose(a, b) for a, b in zip(scaled, gained, strict=True))
    assert np.abs(scaled[0]).max() > 0
