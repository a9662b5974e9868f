"""Verb forms from pymorphy's dictionary (natasha's MorphVocab), for the rules that read intent
from the verb (nlp/threats.py, nlp/gathering.py). natasha's tagger reads rare verb forms as nouns
or past tense («проколю» NOUN, «сожгу» Past); the dictionary knows them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from nlp.analysis import Token
from nlp.morph import Morphology

INFINITIVE = frozenset({"INFN"})
# How far after «буду», «будем», «давайте» its infinitive may stand («будем и дальше стоять»).
AUXILIARY_REACH = 2


class VerbForms:
    def __init__(self, morph: Morphology) -> None:
        self.morph = morph
        self._lemmas = lru_cache(maxsize=100_000)(self._lemmas_of)

    def lemmas(self, word: str, *grammemes: frozenset[str]) -> frozenset[str]:
        """The lemmas of the word's parses that carry every grammeme of one of `grammemes`."""
        return self._lemmas(word.lower(), grammemes)

    def infinitives_after(self, tokens: Sequence[Token], number: int) -> frozenset[str]:
        found: frozenset[str] = frozenset()
        for token in tokens[number + 1 : number + 1 + AUXILIARY_REACH]:
            found |= self.lemmas(token.text, INFINITIVE)
        return found

    def _lemmas_of(self, word: str, grammemes: tuple[frozenset[str], ...]) -> frozenset[str]:
        return frozenset(
            normal(parse.normal_form)
            for parse in self.morph.parses(word)
            if any(set(parse.tag.grammemes) >= one for one in grammemes)
        )


def normal(word: str) -> str:
    return word.lower().replace("ё", "е")
