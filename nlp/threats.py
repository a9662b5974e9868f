"""Threats read from the verb, for the wordings no lexicon phrase lists.

A threat says what the writer will do to someone: «колёса проколю», «окна вам побью», «буду бить
морду», «приду с ружьём». The threat lexicon (toxicity.yaml `threat`) holds set phrases; here a
first-person future of a verb of harm (`harm_verbs`), or «буду/будем» with its infinitive, counts
when the same sentence names something to harm (`harm_targets`: a person, a window, a car) or
addresses a person; and a first-person «приду/приедем/выйду…» counts with a weapon (`weapons`)
after «с».
«Побью рекорд», «разобью клумбу», «прибью полку» name nothing to harm and are no threat.

The verb forms come from pymorphy's dictionary (nlp/verbs.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.analysis import Analysis, Token
from nlp.config import TaggerConfig
from nlp.verbs import VerbForms, normal

LEXICONS = ("harm_verbs", "harm_targets", "weapons")
FUTURE = frozenset({"VERB", "1per", "futr"})
AUXILIARY = frozenset({"буду", "будем"})
COMING = frozenset(
    {"прийти", "приехать", "явиться", "заявиться", "нагрянуть", "пойти", "поехать", "выйти"}
)
# A person spoken to or about: «вам», «тебя», «его», «их».
PERSONS = frozenset({"вы", "ты", "он", "она", "они"})
SELF = "себя"
WITH = frozenset({"с", "со"})
# How far after «с» the weapon may stand («с охотничьим ружьём», «с двумя канистрами»).
WEAPON_REACH = 3


class ThreatReader:
    def __init__(self, config: TaggerConfig, verbs: VerbForms) -> None:
        self.harm = frozenset(normal(term) for term in config.lexicon("harm_verbs"))
        self.targets = frozenset(normal(term) for term in config.lexicon("harm_targets"))
        self.weapons = frozenset(normal(term) for term in config.lexicon("weapons"))
        self.verbs = verbs

    def read(self, analysis: Analysis) -> float:
        """1.0 when the message threatens harm in one of the ways above, else 0.0."""
        tokens = analysis.tokens
        for number, token in enumerate(tokens):
            word = token.text.lower()
            lemmas = self.verbs.lemmas(word, FUTURE)
            if word in AUXILIARY:
                lemmas = self.verbs.infinitives_after(tokens, number)
            if lemmas & self.harm and self._target_near(tokens, token.sent):
                return 1.0
            if lemmas & COMING and self._armed(tokens, number):
                return 1.0
        return 0.0

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
