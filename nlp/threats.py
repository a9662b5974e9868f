"""Threats read from the verb, for the wordings no lexicon phrase lists.

A threat says what the writer will do to someone: «колёса проколю», «окна вам побью», «буду бить
морду», «приду с ружьём». The threat lexicon (toxicity.yaml `threat`) holds set phrases; here a
first-person future of a verb of harm (`harm_verbs`), or «буду/будем» with its infinitive, counts
when the same sentence names something to harm (`harm_targets`: a person, a window, a car) or
addresses a person; and a first-person «приду/приедем…» counts with a weapon (`weapons`) after «с».
«Побью рекорд», «разобью клумбу», «прибью полку» name nothing to harm and are no threat.

The morphology is pymorphy's dictionary (natasha's MorphVocab): natasha's tagger reads rare verb
forms as nouns or past tense («проколю» NOUN, «сожгу» Past), the dictionary knows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from nlp.analysis import Analysis, Token
from nlp.config import TaggerConfig
from nlp.morph import Morphology

LEXICONS = ("harm_verbs", "harm_targets", "weapons")
FUTURE = frozenset({"VERB", "1per", "futr"})
INFINITIVE = "INFN"
AUXILIARY = frozenset({"буду", "будем"})
COMING = frozenset({"прийти", "приехать", "явиться", "заявиться", "нагрянуть", "пойти", "поехать"})
# A person spoken to or about: «вам», «тебя», «его», «их».
PERSONS = frozenset({"вы", "ты", "он", "она", "они"})
SELF = "себя"
WITH = frozenset({"с", "со"})
# How far after «с» the weapon may stand («с охотничьим ружьём», «с двумя канистрами»).
WEAPON_REACH = 3


class ThreatReader:
    def __init__(self, config: TaggerConfig, morph: Morphology) -> None:
        self.harm = frozenset(_normal(term) for term in config.lexicon("harm_verbs"))
        self.targets = frozenset(_normal(term) for term in config.lexicon("harm_targets"))
        self.weapons = frozenset(_normal(term) for term in config.lexicon("weapons"))
        self.morph = morph
        self._future = lru_cache(maxsize=50_000)(self._first_person_future)
        self._infinitive = lru_cache(maxsize=50_000)(self._infinitive_of)

    def read(self, analysis: Analysis) -> float:
        """1.0 when the message threatens harm in one of the ways above, else 0.0."""
        tokens = analysis.tokens
        for number, token in enumerate(tokens):
            word = token.text.lower()
            lemmas = self._future(word)
            if word in AUXILIARY:
                lemmas = self._infinitives_after(tokens, number)
            if lemmas & self.harm and self._target_near(tokens, token.sent):
                return 1.0
            if lemmas & COMING and self._armed(tokens, number):
                return 1.0
        return 0.0

    def _first_person_future(self, word: str) -> frozenset[str]:
        return frozenset(
            _normal(parse.normal_form)
            for parse in self.morph.parses(word)
            if set(parse.tag.grammemes) >= FUTURE
        )

    def _infinitive_of(self, word: str) -> frozenset[str]:
        return frozenset(
            _normal(parse.normal_form)
            for parse in self.morph.parses(word)
            if INFINITIVE in parse.tag.grammemes
        )

    def _infinitives_after(self, tokens: Sequence[Token], number: int) -> frozenset[str]:
        found: frozenset[str] = frozenset()
        for token in tokens[number + 1 : number + 3]:
            found |= self._infinitive(token.text.lower())
        return found

    def _target_near(self, tokens: Sequence[Token], sent: int) -> bool:
        """Something to harm in the sentence, and not the writer's own («себе руку порежу»)."""
        lemmas = {token.lemma for token in tokens if token.sent == sent}
        return SELF not in lemmas and bool(lemmas & (self.targets | PERSONS))

    def _armed(self, tokens: Sequence[Token], number: int) -> bool:
        sent = tokens[number].sent
        for index, token in enumerate(tokens):
            if token.sent != sent or token.text.lower() not in WITH:
                continue
            after = tokens[index + 1 : index + 1 + WEAPON_REACH]
            if any(one.lemma in self.weapons for one in after):
                return True
        return False


def _normal(word: str) -> str:
    return word.lower().replace("ё", "е")
