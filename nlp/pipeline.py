"""The neural stage: razdel segmentation, slovnet morphology and NER in batches, cached lemmas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from natasha.data import NEWS_EMBEDDING, NEWS_MORPH, NEWS_NER
from natasha.morph.lemma import lemmatize
from natasha.morph.vocab import MorphVocab
from navec import Navec
from razdel import sentenize, tokenize
from slovnet import NER, Morph
from slovnet.bio import io_spans
from slovnet.conll import parse_conll_tag

from nlp.analysis import Analysis, Span, Token
from nlp.fastcnn import FastTag, morph_process, ner_process

T = TypeVar("T")
Feats = tuple[tuple[str, str], ...]
Raw = tuple[int, int, str, int]
NAME_GRAMS = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "UNKN", "LATN"}


def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def _by_length(items: Sequence[Sequence[T]]) -> list[int]:
    # Sorting by length keeps padding small inside each network batch.
    return sorted(range(len(items)), key=lambda index: len(items[index]))


def _segment(text: str) -> list[Raw]:
    bounds = [(sent.start, sent.stop) for sent in sentenize(text)] if text else []
    raws: list[Raw] = []
    sent = 0
    for token in tokenize(text):
        while sent + 1 < len(bounds) and token.start >= bounds[sent][1]:
            sent += 1
        raws.append((token.start, token.stop, token.text, sent))
    return raws


class Pipeline:
    """Loads natasha's news models once; `analyse_many` is the one batch call."""

    # Measured on 2 cores: 8–16 sentences per network call beat 64 (less padding, warmer caches).
    def __init__(self, batch_size: int = 16, ner: bool = True) -> None:
        self.navec = Navec.load(NEWS_EMBEDDING)
        self.vocab = MorphVocab()
        self._morph = Morph.load(NEWS_MORPH, batch_size=batch_size).navec(self.navec)
        self._ner = NER.load(NEWS_NER, batch_size=batch_size).navec(self.navec) if ner else None
        self._fast_morph = FastTag(self._morph.infer.model)
        self._fast_ner = FastTag(self._ner.infer.model) if self._ner is not None else None
        self._lemmas: dict[tuple[str, str, Feats], str] = {}
        self._tags: dict[int, tuple[str, Feats]] = {}
        self._known: dict[str, bool] = {}
        self._threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp-ner")
        self._blas = _blas_controller()

    def _blas_limit(self) -> AbstractContextManager[object]:
        # Small matrices: one BLAS thread per network is faster, and morph and NER share 2 cores.
        if self._blas is None:
            return nullcontext()
        limited: AbstractContextManager[object] = self._blas.limit(limits=1, user_api="blas")
        return limited

    def lemma(self, word: str, pos: str, feats: Feats) -> str:
        key = (word.lower(), pos, feats)
        cached = self._lemmas.get(key)
        if cached is None:
            if len(self._lemmas) > 200_000:
                self._lemmas.clear()
            cached = lemmatize(self.vocab, word, pos, dict(feats)).replace("ё", "е")
            self._lemmas[key] = cached
        return cached

    def analyse(self, text: str) -> Analysis:
        return self.analyse_many([text])[0]

    def analyse_many(self, texts: Sequence[str]) -> list[Analysis]:
        docs = [_segment(text) for text in texts]
        sents: list[list[str]] = []
        owners: list[tuple[int, int]] = []
        for doc_index, raws in enumerate(docs):
            start = 0
            for index in range(1, len(raws) + 1):
                if index == len(raws) or raws[index][3] != raws[start][3]:
                    sents.append([raw[2] for raw in raws[start:index]])
                    owners.append((doc_index, start))
                    start = index
        candidates = [
            (doc_index, start, words)
            for (doc_index, start), words in zip(owners, sents, strict=True)
            if self._may_name(words)
        ]
        # NumPy releases the GIL in the heavy calls, so NER runs beside morphology on a 2nd core.
        pending = self._threads.submit(self._tag_ner, [words for _, _, words in candidates])
        with self._blas_limit():
            tags = self._tag_morph(sents)
        morph: list[list[tuple[str, Feats]]] = [[("X", ())] * len(raws) for raws in docs]
        for (doc_index, start), sent_tags in zip(owners, tags, strict=True):
            morph[doc_index][start : start + len(sent_tags)] = sent_tags
        ner_tags = [["O"] * len(raws) for raws in docs]
        with self._blas_limit():
            tagged = pending.result()
        for (doc_index, start, words), labels in zip(candidates, tagged, strict=True):
            ner_tags[doc_index][start : start + len(words)] = labels
        return [
            self._build(text, raws, doc_morph, doc_ner)
            for text, raws, doc_morph, doc_ner in zip(texts, docs, morph, ner_tags, strict=True)
        ]

    def _tag_morph(self, sents: list[list[str]]) -> list[list[tuple[str, Feats]]]:
        # slovnet's own decoder builds a markup object per sentence; tag ids decode once here.
        infer: Any = self._morph.infer
        order = _by_length(sents)
        result: list[list[tuple[str, Feats]]] = [[] for _ in sents]
        preds = morph_process(self._fast_morph, infer.encoder(sents[index] for index in order))
        for index, pred in zip(order, preds, strict=True):
            result[index] = [self._morph_tag(int(tag_id)) for tag_id in pred]
        return result

    def _morph_tag(self, tag_id: int) -> tuple[str, Feats]:
        tag = self._tags.get(tag_id)
        if tag is None:
            pos, feats = parse_conll_tag(self._morph.infer.decoder.tags_vocab.decode(tag_id))
            tag = (pos, tuple(sorted(feats.items())))
            self._tags[tag_id] = tag
        return tag

    def _may_name(self, words: list[str]) -> bool:
        """NER runs only on sentences that can hold a name: a capital past the first word, an
        abbreviation, or a first word the dictionary does not know as a common word."""
        if self._ner is None:
            return False
        for position, word in enumerate(words):
            if not word[:1].isupper():
                continue
            if position > 0 or (len(word) > 1 and word.isupper()) or self._unusual(word):
                return True
        return False

    def _unusual(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            grams: set[str] = set()
            for parse in self.vocab.parse(word.lower())[:3]:
                grams |= set(parse.tag.grammemes)
            known = not grams & NAME_GRAMS
            self._known[word] = known
        return not known

    def _tag_ner(self, docs: list[list[str]]) -> list[list[str]]:
        if self._ner is None or self._fast_ner is None:
            return [["O"] * len(words) for words in docs]
        infer: Any = self._ner.infer
        order = [index for index in _by_length(docs) if docs[index]]
        result: list[list[str]] = [[] for _ in docs]
        encoded = infer.encoder(docs[index] for index in order)
        preds = infer.decoder(ner_process(self._fast_ner, encoded))
        for index, tags in zip(order, preds, strict=True):
            result[index] = list(tags)
        return result

    def _build(
        self, text: str, raws: list[Raw], morph: list[tuple[str, Feats]], ner: list[str]
    ) -> Analysis:
        tokens = tuple(
            Token(start, stop, word, pos, feats, self.lemma(word, pos, feats), sent)
            for (start, stop, word, sent), (pos, feats) in zip(raws, morph, strict=True)
        )
        return Analysis(text, tokens, tuple(_spans(tokens, ner)))


def _spans(tokens: Sequence[Token], tags: Sequence[str]) -> Iterable[Span]:
    if not tags:
        return
    index = {token.start: number for number, token in enumerate(tokens)}
    ends = {token.stop: number for number, token in enumerate(tokens)}
    for span in io_spans(tokens, tags):
        yield Span(span.start, span.stop, span.type, index[span.start], ends[span.stop])
