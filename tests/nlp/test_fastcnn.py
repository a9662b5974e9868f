"""The fast CNN forward pass gives slovnet's numbers for natasha's morphology and NER models."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.fastcnn import FastTag
from nlp.pipeline import Pipeline, _segment

TEXTS = [
    "на Механизаторов опять яма на яме, вчера колесо пробил возле 14 дома. когда уже сделаете",
    "Спасибо Соболевой А.А. за помощь, река Пышма стала чище!",
    "Ваше обращение направлено в профильное ведомство и будет рассмотрено в установленном порядке.",
    "ДОКОЛЕ",
    "Скорую ждали 1 час 20 минут!!! Предлагаю всем написать губернатору, пусть разбираются с ЦРБ",
    "а",
]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.mark.parametrize("cache", [16384, 5, 0])
@pytest.mark.parametrize("model", ["morph", "ner"])
def test_fast_forward_matches_slovnet(pipeline: Pipeline, model: str, cache: int) -> None:
    """Also with a word cache too small for the batch, or none: full, the rest is computed."""
    infer = (pipeline._morph if model == "morph" else pipeline._ner).infer
    fast = FastTag(infer.model, cache=cache)
    sentences = [[raw[2] for raw in _segment(text)] for text in TEXTS]
    batches = list(infer.encoder(sentences)) * 2  # the second pass reads the cache
    assert batches
    for batch in batches:
        expected = infer.model(batch.word_id, batch.shape_id, batch.pad_mask)
        got = fast(batch.word_id, batch.shape_id, batch.pad_mask)
        assert got.shape == expected.shape
        real = ~batch.pad_mask
        assert np.abs(got - expected)[real].max() < 1e-3
        assert (got.argmax(-1) == expected.argmax(-1))[real].all()
    assert len(fast._slots) <= cache


def test_kernel_must_keep_the_length(pipeline: Pipeline) -> None:
    layer = pipeline._morph.infer.model.encoder.layers[0]
    broken = layer.replace(conv=layer.conv.replace(padding=0))
    model = pipeline._morph.infer.model
    encoder = model.encoder.replace(layers=[broken])
    with pytest.raises(ValueError, match="sequence length"):
        FastTag(model.replace(encoder=encoder))
