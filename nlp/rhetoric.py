"""Accusations made by a question, for the wordings no lexicon phrase lists.

Two kinds are read from the sentence. A rhetorical question to those in charge, with «вы» and
«вообще» or «совсем», or «сами» with a «не»: «Кузнецов, вы там вообще работаете?»,
«Водоканал, вы там совсем…?», «а вам самим не стыдно?». And waiting for a tragedy: «ждать» with
«пока» or «когда» and then a verb of harm or death (`tragedy_stems`): «ждём, пока кто-нибудь
утонет», «вы ждёте, пока кого-нибудь загрызут?». «Вы там в субботу работаете?», «ждём, когда
откроют каток» and «вы сами когда приедете?» accuse nobody.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.analysis import Analysis, Token
from nlp.config import TaggerConfig
from nlp.verbs import normal

LEXICONS = ("tragedy_stems",)
QUESTION = "?"
YOU = "вы"
AT_ALL = frozenset({"вообще", "совсем"})
SELVES = "сам"
NOT = "не"
WAIT = "ждать"
UNTIL = frozenset({"пока", "когда"})
# How far after «ждём» its «пока» may stand: «ждём, видимо, пока…».
UNTIL_REACH = 4


class RhetoricReader:
    def __init__(self, config: TaggerConfig) -> None:
        self.stems = tuple(normal(term) for term in config.lexicon("tragedy_stems"))

    def read(self, analysis: Analysis) -> bool:
        """True when a sentence accuses by a rhetorical question or by waiting for a tragedy."""
        sentences = [analysis.tokens[one.start : one.stop] for one in analysis.sentences]
        return any(self._asks(sentence) or self._waits(sentence) for sentence in sentences)

    def _asks(self, sentence: Sequence[Token]) -> bool:
        if not any(QUESTION in token.text for token in sentence):
            return False
        lemmas = {normal(token.lemma) for token in sentence}
        # «вы» itself: «ответьте людям: это вообще законно?» asks the law, not the official.
        return YOU in lemmas and bool(lemmas & AT_ALL or (SELVES in lemmas and NOT in lemmas))

    def _waits(self, sentence: Sequence[Token]) -> bool:
        for number, token in enumerate(sentence):
            if normal(token.lemma) != WAIT:
                continue
            near = sentence[number + 1 : number + 1 + UNTIL_REACH]
            until = [i for i, one in enumerate(near) if one.text.lower() in UNTIL]
            if not until:
                continue
            after = sentence[number + 2 + until[0] :]
            if any(normal(one.text).startswith(self.stems) for one in after):
                return True
        return False
