"""slovnet's CNN tag models (morphology, NER) run in a (batch, length, channels) layout.

slovnet's NumPy executor computes each convolution by copying every window of the input
(im2col) and keeps the activations as (batch, channels, length), so batch norm and masking run
on strided views. The same weights give the same numbers when the kernel's taps are stacked
into one matrix: one product per layer on contiguous rows, then the taps shifted and added.
Only the arithmetic layout differs; `tests/nlp/test_fastcnn.py` checks the outputs against
slovnet's own forward pass.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from slovnet.exec.mask import split_masked

Array = npt.NDArray[Any]


@dataclass(frozen=True, slots=True)
class _Layer:
    taps: Array  # in x (kernel * filters): tap k's filters in columns k*F .. (k+1)*F
    bias: Array
    scale: Array  # batch norm folded: x * scale + shift
    shift: Array
    kernel: int
    padding: int
    filters: int


def _layer(layer: Any) -> _Layer:
    weight = layer.conv.weight.array  # filters x in x kernel
    filters, _, kernel = weight.shape
    padding = int(layer.conv.padding)
    if kernel != 2 * padding + 1:
        raise ValueError(f"kernel {kernel} with padding {padding} changes the sequence length")
    taps = np.ascontiguousarray(np.concatenate([weight[:, :, k].T for k in range(kernel)], 1))
    norm = layer.norm
    scale = norm.weight.array / norm.std.array
    shift = norm.bias.array - norm.mean.array * scale
    return _Layer(
        taps,
        layer.conv.bias.array,
        scale.astype(weight.dtype),
        shift.astype(weight.dtype),
        kernel,
        padding,
        filters,
    )


class FastTag:
    """The forward pass of a slovnet `Tag` model (emb → CNN encoder → linear head).

    The first layer's product is linear in the input, and the input is a word's navec vector
    joined with its shape's vector: so a word's share of the product is a function of the word
    alone, kept for the `cache` most recent new words (Zipf: a few thousand words make up most
    tokens), and the 66 shapes' shares are computed once."""

    def __init__(self, model: Any, cache: int = 16384) -> None:
        self.model = model
        self.layers = [_layer(layer) for layer in model.encoder.layers]
        self.proj_weight = model.head.proj.weight.array
        self.proj_bias = model.head.proj.bias.array
        first = self.layers[0]
        word_dim = int(model.emb.word.dim)
        self.word_taps = np.ascontiguousarray(first.taps[:word_dim])
        shapes = model.emb.shape.weight.array
        self.shape_rows = (shapes @ first.taps[word_dim:]).astype(first.taps.dtype)
        self.capacity = cache
        self._rows = np.empty((0, first.taps.shape[1]), dtype=first.taps.dtype)
        self._slots: dict[int, int] = {}
        self._lock = threading.Lock()

    def _first_product(self, word_id: Array, shape_id: Array) -> Array:
        """x @ taps of the first layer, from the per-word cache and the shape table."""
        unique, inverse = np.unique(word_id, return_inverse=True)
        table = np.empty((len(unique), self.word_taps.shape[1]), dtype=self.word_taps.dtype)
        with self._lock:
            known = [self._slots.get(int(one), -1) for one in unique.tolist()]
            slots = np.asarray(known, dtype=np.int64)
            hit = slots >= 0
            table[hit] = self._rows[slots[hit]]
            missing = np.flatnonzero(~hit)
            if len(missing):
                table[missing] = self.model.emb.word(unique[missing]) @ self.word_taps
                self._remember(unique[missing], table[missing])
        words = table[inverse.reshape(word_id.shape)]
        result: Array = words + self.shape_rows[shape_id]
        return result

    def _remember(self, ids: Array, rows: Array) -> None:
        room = self.capacity - len(self._slots)
        if room <= 0:
            return
        ids, rows = ids[:room], rows[:room]
        start = len(self._slots)
        if start + len(ids) > len(self._rows):
            grown = np.empty(
                (
                    min(self.capacity, max(2 * len(self._rows), start + len(ids), 1024)),
                    rows.shape[1],
                ),
                dtype=rows.dtype,
            )
            grown[:start] = self._rows[:start]
            self._rows = grown
        self._rows[start : start + len(ids)] = rows
        for offset, one in enumerate(ids.tolist()):
            self._slots[int(one)] = start + offset

    def __call__(self, word_id: Array, shape_id: Array, pad_mask: Array) -> Array:
        batch, length = word_id.shape
        x: Array = np.empty((batch, length, 0), dtype=self.word_taps.dtype)
        for number, layer in enumerate(self.layers):
            filters = layer.filters
            if number == 0:
                stacked = self._first_product(word_id, shape_id)
            else:
                stacked = (x.reshape(batch * length, -1) @ layer.taps).reshape(batch, length, -1)
            centre = layer.padding
            out = stacked[:, :, centre * filters : (centre + 1) * filters] + layer.bias
            for tap in range(layer.kernel):
                shift = tap - centre
                columns = slice(tap * filters, (tap + 1) * filters)
                if shift < 0 and length > -shift:
                    out[:, -shift:] += stacked[:, : length + shift, columns]
                elif shift > 0 and length > shift:
                    out[:, : length - shift] += stacked[:, shift:, columns]
            np.maximum(out, 0, out=out)
            out *= layer.scale
            out += layer.shift
            out[pad_mask] = 0
            x = out
        flat = x.reshape(batch * length, -1) @ self.proj_weight + self.proj_bias
        result: Array = flat.reshape(batch, length, -1)
        return result


def morph_process(fast: FastTag, inputs: Iterable[Any]) -> Iterator[Array]:
    """slovnet's MorphInfer.process over the fast forward pass."""
    for batch in inputs:
        pred = fast(batch.word_id, batch.shape_id, batch.pad_mask).argmax(-1)
        yield from split_masked(pred, ~batch.pad_mask)


def ner_process(fast: FastTag, inputs: Iterable[Any]) -> Iterator[Any]:
    """slovnet's NERInfer.process over the fast forward pass (CRF decoding is slovnet's)."""
    for batch in inputs:
        pred = fast(batch.word_id, batch.shape_id, batch.pad_mask)
        yield from fast.model.head.crf.decode(pred, ~batch.pad_mask)
