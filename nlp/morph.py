"""Small pymorphy2 helpers for normal forms of names, streets and lexicon terms."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from natasha.morph.vocab import MorphVocab
from pymorphy2.analyzer import Parse

PATRONYMIC = re.compile(
    r"(?:ович|евич|ьич|инич|ович[а-я]{1,3}|евич[а-я]{1,3}|[оеи]вн[аыеуо]й?|[оеи]вною|ичн[аыеуо]й?|"
    r"ичною)$",
    re.IGNORECASE,
)
FEMALE_PATRONYMIC = re.compile(r"(?:вн|чн)[аыеуо]й?$|(?:вн|чн)ою$", re.IGNORECASE)


def restore_case(word: str, like: str) -> str:
    """Copies the capitalisation of `like` onto `word`."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


class Morphology:
    """Cached pymorphy2 look-ups shared by the rules."""

    def __init__(self, vocab: MorphVocab) -> None:
        self.vocab = vocab
        self.normal_term = lru_cache(maxsize=50_000)(self._normal_term)
        self.nominative = lru_cache(maxsize=50_000)(self._nominative)
        self.grams = lru_cache(maxsize=50_000)(self._grams)

    def parses(self, word: str) -> list[Any]:
        return list(self.vocab.parse(word.lower()))

    def _normal_term(self, word: str) -> str:
        """A lexicon word: kept if it already is a normal form, else the likeliest lemma."""
        parses = self.parses(word)
        if not parses or any(parse.normal_form == word for parse in parses):
            return word
        return str(parses[0].normal_form).replace("ё", "е")

    def _grams(self, word: str) -> frozenset[str]:
        grams: set[str] = set()
        for parse in self.parses(word)[:3]:
            grams |= set(parse.tag.grammemes)
        return frozenset(grams)

    def is_adjective(self, word: str) -> bool:
        parses = self.parses(word)
        return bool(parses) and parses[0].tag.POS in {"ADJF", "PRTF"}

    def is_surname(self, word: str) -> bool:
        return any("Surn" in parse.tag for parse in self.parses(word)[:4])

    def is_first_name(self, word: str) -> bool:
        return any("Name" in parse.tag and parse.score >= 0.05 for parse in self.parses(word)[:4])

    def _nominative(self, word: str, gender: str = "", want: str = "") -> str:
        """Nominative singular of `word`; `want` picks the parse by a grammeme (Surn, ADJF)."""
        parses = self.parses(word)
        if want:
            parses = [parse for parse in parses if want in parse.tag] or parses
        for parse in parses:
            grams = {"nomn"} if "Pltm" in parse.tag else {"nomn", "sing"}
            if gender and parse.tag.POS in {"ADJF", "PRTF"}:
                grams.add(gender)
            elif parse.tag.gender in {"masc", "femn", "neut"} and "Surn" in parse.tag:
                grams.add(str(parse.tag.gender))
            # natasha's MorphForm.inflect takes UD grams; OpenCorpora ones go to pymorphy2.
            inflected = Parse.inflect(parse, grams)
            if inflected is not None:
                return restore_case(str(inflected.word), word)
        return word
