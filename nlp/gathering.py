"""Calls to gather or block a road, read from the verb, for the wordings no lexicon phrase lists.

A call speaks for a group that will go somewhere: «придём всем посёлком на слушания», «встанем на
дорогу и будем стоять», «в понедельник идём к администрации», «выйдем всей улицей». Here a verb of
going, gathering or blocking (`gathering_verbs`) in the first person plural — future, present or
«давайте/будем» with its infinitive — counts when the same sentence names where power or traffic
is (`gathering_places`: администрация, слушания) or who comes with the writer («всем двором»,
«всей улицей»: `весь` with a `gathering_crowds` noun); standing on or blocking (`blocking_verbs`)
counts with a road (`blocking_places`) too. «Поедем по этой дороге», «придём с детьми в парк»,
«идём в магазин» and the administration's own «приходите на слушания» (second person) are no call.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from nlp.analysis import Analysis, Span, Token
from nlp.config import TaggerConfig
from nlp.verbs import VerbForms, normal

LEXICONS = (
    "gathering_verbs",
    "gathering_places",
    "gathering_crowds",
    "blocking_verbs",
    "blocking_places",
)
WE = frozenset({"VERB", "1per", "plur"})
INCLUSIVE = frozenset({"VERB", "impr", "incl"})
AUXILIARY = frozenset({"будем", "давайте", "давай"})
ALL = "весь"
EVERYONE = "все"
LOC = "LOC"
# «стоим по 40 минут на переезде» tells, «будем стоять на трассе» calls: only after «будем».
STANDING = "стоять"
PLACE, CROWD = 2, 1


class GatheringReader:
    def __init__(self, config: TaggerConfig, verbs: VerbForms) -> None:
        self.going = frozenset(normal(term) for term in config.lexicon("gathering_verbs"))
        self.places = frozenset(normal(term) for term in config.lexicon("gathering_places"))
        self.crowds = frozenset(normal(term) for term in config.lexicon("gathering_crowds"))
        self.blocking = frozenset(normal(term) for term in config.lexicon("blocking_verbs"))
        self.roads = frozenset(normal(term) for term in config.lexicon("blocking_places"))
        self.verbs = verbs

    def read(self, analysis: Analysis) -> int:
        """PLACE for a call to a place of power or onto a road, CROWD for «соберёмся всем двором»
        alone (a clean-up day is called so too: nlp/conflict.py wants a grievance with it), else
        0."""
        tokens = analysis.tokens
        found = 0
        for number, token in enumerate(tokens):
            word = token.text.lower()
            lemmas = self.verbs.lemmas(word, WE, INCLUSIVE) - {STANDING}
            if word in AUXILIARY:
                lemmas = lemmas | self.verbs.infinitives_after(tokens, number)
            if not lemmas & (self.going | self.blocking):
                continue
            sentence = [one for one in tokens if one.sent == token.sent]
            if any(one.lemma in self.places for one in sentence):
                return PLACE
            if lemmas & self.blocking and (
                any(one.lemma in self.roads for one in sentence)
                or any(_within(span, sentence) for span in analysis.spans if span.type == LOC)
            ):
                # «встанем на дорогу», «перекрываем Заречную полностью»
                return PLACE
            if self._all_of_us(tokens, number, sentence):
                found = CROWD
        return found

    def _all_of_us(self, tokens: Sequence[Token], number: int, sentence: Sequence[Token]) -> bool:
        """«всем двором», «всей улицей»; or «все» next to the verb: «приходим все», «все встаём»."""
        pairs = pairwise(sentence)
        if any(one.lemma == ALL and other.lemma in self.crowds for one, other in pairs):
            return True
        near = tokens[max(0, number - 1) : number + 2]
        return any(one.text.lower() == EVERYONE for one in near)


def _within(span: Span, sentence: Sequence[Token]) -> bool:
    return bool(sentence) and sentence[0].start <= span.start < sentence[-1].stop
