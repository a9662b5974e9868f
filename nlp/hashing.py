"""Sparse text features by hashing: character n-grams of the respelt text, lemma uni- and bigrams.

Character n-grams survive what defeats a word list: inflection, typos, masked and split
obscenity, words no lexicon lists. The hash is fixed arithmetic (no Python `hash`), so features
are the same in every process and on every machine.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from nlp.spelling import normalise

BITS = 18
DIM = 1 << BITS
SIZES = (2, 3, 4, 5)
SPACES = re.compile(r"\s+")
# Beyond this many characters more n-grams add little but time.
CHAR_LIMIT = 4000
Indices = npt.NDArray[np.int64]
Values = npt.NDArray[np.float32]
_MULTIPLIER = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class Rows:
    """Sparse rows: row r has `indices[starts[r]:starts[r+1]]` and the same `values`."""

    indices: Indices
    values: Values
    starts: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.starts) - 1


def _char_hashes(text: str) -> npt.NDArray[np.uint64]:
    plain = SPACES.sub(" ", normalise(text[:CHAR_LIMIT])).strip()
    if not plain:
        return np.zeros(0, dtype=np.uint64)
    padded = f" {plain} "
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    for size in SIZES:
        count = len(codes) - size + 1
        if count <= 0:
            continue
        hashes = np.full(count, size, dtype=np.uint64)
        for offset in range(size):
            hashes = hashes * _MULTIPLIER + codes[offset : offset + count]
        parts.append(hashes)
    if not parts:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.concatenate(parts) * _MIX
    result: npt.NDArray[np.uint64] = hashes ^ (hashes >> np.uint64(29))
    return result


def _word_hashes(lemmas: Sequence[str]) -> npt.NDArray[np.uint64]:
    grams = [f"w {lemma}" for lemma in lemmas]
    grams += [f"b {first} {second}" for first, second in pairwise(lemmas)]
    return np.asarray([zlib.crc32(gram.encode("utf-8")) for gram in grams], dtype=np.uint64)


def _bag(hashes: npt.NDArray[np.uint64]) -> tuple[Indices, Values]:
    """Bucket counts, log-damped and scaled to unit length."""
    if not len(hashes):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    buckets, counts = np.unique((hashes & np.uint64(DIM - 1)).astype(np.int64), return_counts=True)
    values = np.log1p(counts).astype(np.float32)
    values /= np.float32(np.sqrt(float((values * values).sum())))
    return buckets, values


def features(texts: Sequence[str], lemmas: Sequence[Sequence[str]]) -> Rows:
    """One sparse row per text: its character n-grams and its lemma n-grams, each group of
    unit length; bucket 0 is always present (with weight 0) so no row is empty."""
    indices: list[Indices] = []
    values: list[Values] = []
    starts = [0]
    for text, words in zip(texts, lemmas, strict=True):
        char_index, char_value = _bag(_char_hashes(text))
        word_index, word_value = _bag(_word_hashes(words))
        indices += [np.zeros(1, dtype=np.int64), char_index, word_index]
        values += [np.zeros(1, dtype=np.float32), char_value, word_value]
        starts.append(starts[-1] + 1 + len(char_index) + len(word_index))
    return Rows(np.concatenate(indices), np.concatenate(values), np.asarray(starts, dtype=np.int64))
