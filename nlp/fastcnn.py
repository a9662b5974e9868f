"""slovnet's CNN tag models (morphology, NER) run in a (batch, length, channels) layout.

slovnet's NumPy executor computes each convolution by copying every window of the input
(im2col) and keeps the activations as (batch, channels, length), so batch norm and masking run
on strided views. The same weights give the same numbers when the kernel's taps are stacked
into one matrix: one product per layer on contiguous rows, then the taps shifted and added.
Only the arithmetic layout differs; `tests/nlp/test_fastcnn.py` checks the outputs against
slovnet's own forward pass.
"""

from __future__ import annotations

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
    """The forward pass of a slovnet `Tag` model (emb → CNN encoder → linear head)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.layers = [_layer(layer) for layer in model.encoder.layers]
        self.proj_weight = model.head.proj.weight.array
        self.proj_bias = model.head.proj.bias.array

    def __call__(self, word_id: Array, shape_id: Array, pad_mask: Array) -> Array:
        x = self.model.emb(word_id, shape_id)  # batch x length x channels
        batch, length, _ = x.shape
        for layer in self.layers:
            filters = layer.filters
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
