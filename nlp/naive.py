"""natasha's documented per-document pipeline: the baseline of `mcu bench nlp`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter


class NaivePipeline:
    """Segment, morph, NER and lemmatise one Doc at a time, as in natasha's README."""

    def __init__(self) -> None:
        embedding = NewsEmbedding()
        self.segmenter = Segmenter()
        self.vocab = MorphVocab()
        self.morph = NewsMorphTagger(embedding)
        self.ner = NewsNERTagger(embedding)

    def analyse(self, text: str) -> list[str]:
        doc: Any = Doc(text)
        doc.segment(self.segmenter)
        doc.tag_morph(self.morph)
        doc.tag_ner(self.ner)
        for token in doc.tokens:
            token.lemmatize(self.vocab)
        for span in doc.spans:
            span.normalize(self.vocab)
        return [token.lemma for token in doc.tokens]

    def analyse_many(self, texts: Sequence[str]) -> list[list[str]]:
        return [self.analyse(text) for text in texts]
