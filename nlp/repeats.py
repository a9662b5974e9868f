"""Repeated complaints read from the sentence, for the wordings no lexicon phrase lists.

A repeated complaint tells that the writer has applied before, more than once: «подавала трижды»,
«обращались неоднократно», «подано уже четыре заявки», «заявки подавали 3, 10 и 17 июня»,
«писали в ЦРБ, писали в область», «каждую неделю пишем», «сколько ни пиши». Here a verb of
applying (`appeal_verbs`: писать, обращаться, жаловаться, звонить, подавать…), in a finite or
participle form and not negated, counts when near it stands how often: an adverb of repetition
(`repeat_adverbs`: трижды, неоднократно, повторно…), a count of times («три раза», «не раз»), a
frequency («каждую неделю»), a list of dates or months; or when the sentence applies with the
same verb twice. A noun of applying (`appeal_nouns`: обращение, заявка, жалоба) counts after a
count of two or more («четыре заявки», «десятки жалоб», «многочисленные обращения»).
«Третий раз за месяц пропал свет» names no applying; «подала заявку в понедельник» applies once;
«заявки можно подавать каждую неделю» (an infinitive) and «ни разу не обращались» do not apply.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from nlp.analysis import Analysis, Token
from nlp.config import TaggerConfig
from nlp.verbs import normal

LEXICONS = ("appeal_verbs", "appeal_nouns", "repeat_adverbs", "repeat_counts", "repeat_periods")
# How far from the verb its «трижды», «не раз», «каждую неделю» may stand, within its clause.
REACH = 4
# Counts that ask or deny rather than count before a noun: «сколько заявок подать?», «не заявка».
NOT_NOUN_COUNTS = frozenset({"сколько", "не"})
# «уже четыре заявки», «мои три обращения»: applying told without a verb of applying.
OWN = frozenset({"уже", "мой", "наш"})
# Three verbs of applying in one sentence: «написали, позвонили, сходили на приём».
MANY = 3
TIMES = "раз"
EACH = "каждый"
NOT = frozenset({"не", "ни"})
# «сколько ни пиши», «сколько бы ни писали»
HOWEVER = "сколько"
MONTHS = frozenset(
    {
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    }
)
# What may stand between the dates of one list: «3, 10 и 17 июня», «в феврале, в марте и в апреле».
LIST_GLUE = frozenset({",", "и", "в", "а", "также", "потом", "затем"})
NUMBER = re.compile(r"^(\d{1,3})[.,]?$")
ORDINAL = re.compile(r"^\d{1,3}-?(й|ий|ый|ой|ю|го|е|ое)$")
LEAST = 2
DESCRIBING = frozenset({"ADJ", "DET", "PRON"})
# Calling is trying to get through as often as complaining («звонила три раза, никто не
# ответил»): a call counts only among three verbs of applying.
CALLS = frozenset({"звонить", "позвонить", "дозваниваться"})


class RepeatReader:
    def __init__(self, config: TaggerConfig) -> None:
        self.verbs = frozenset(normal(term) for term in config.lexicon("appeal_verbs"))
        self.nouns = frozenset(normal(term) for term in config.lexicon("appeal_nouns"))
        self.adverbs = frozenset(normal(term) for term in config.lexicon("repeat_adverbs"))
        self.counts = frozenset(normal(term) for term in config.lexicon("repeat_counts"))
        self.periods = frozenset(normal(term) for term in config.lexicon("repeat_periods"))

    def read(self, analysis: Analysis) -> bool:
        """True when some sentence of the message tells of applying more than once."""
        return any(self._sentence(analysis.tokens, numbers) for numbers in analysis.sentences)

    def _sentence(self, tokens: Sequence[Token], numbers: range) -> bool:
        applying = [n for n in numbers if self._applies(tokens, n)]
        nouns = [n for n in numbers if normal(tokens[n].lemma) in self.nouns]
        if any(self._counted(tokens, n, bool(applying)) for n in nouns):
            return True
        if any(self._however(tokens, n) for n in numbers):
            return True
        if len(applying) >= MANY:
            return True
        applying = [n for n in applying if normal(tokens[n].lemma) not in CALLS]
        if not applying:
            return False
        lemmas = Counter(normal(tokens[n].lemma) for n in applying)
        if max(lemmas.values()) >= LEAST or self._dates(tokens, numbers) >= LEAST:
            return True
        return any(self._often(tokens, n, numbers) for n in applying)

    def _applies(self, tokens: Sequence[Token], number: int) -> bool:
        """A finite or participle verb of applying, not an order and not negated."""
        token = tokens[number]
        if token.pos not in {"VERB", "AUX"} or normal(token.lemma) not in self.verbs:
            return False
        if token.feat("VerbForm") not in {"Fin", "Part"} or token.feat("Mood") == "Imp":
            return False
        before = tokens[max(0, number - 2) : number]
        return not any(one.text.lower() in NOT for one in before)

    def _however(self, tokens: Sequence[Token], number: int) -> bool:
        """«сколько ни пиши», «сколько бы мы ни жаловались»: any form of the verb."""
        if tokens[number].text.lower() != HOWEVER:
            return False
        after = tokens[number + 1 : number + 5]
        negated = [i for i, one in enumerate(after) if one.text.lower() == "ни"]
        return bool(negated) and any(
            normal(one.lemma) in self.verbs for one in after[negated[0] + 1 : negated[0] + 3]
        )

    def _often(self, tokens: Sequence[Token], number: int, numbers: range) -> bool:
        for n in _clause(tokens, number, numbers):
            token = tokens[n]
            lemma = normal(token.lemma)
            if lemma in self.adverbs:
                return True
            if lemma == TIMES and self._many(tokens, n):
                return True
            if lemma in self.periods and n > 0 and normal(tokens[n - 1].lemma) == EACH:
                return True
        return False

    def _many(self, tokens: Sequence[Token], number: int, noun: bool = False) -> bool:
        """A count of two or more, or «не», «который», «очередной», just before `number`, or
        before a word that describes it («три мои заявки», «не первый раз»); not a house number
        further off («на Жукова, 24 подавал заявку»)."""
        counts = self.counts - NOT_NOUN_COUNTS if noun else self.counts
        before = tokens[number - 1 : number] if number else ()
        if before and before[0].pos in DESCRIBING and number >= 2:
            before = tokens[number - 2 : number]
        for token in before:
            word = token.text.lower()
            match = NUMBER.match(word)
            if match and int(match.group(1)) >= LEAST:
                return True
            if ORDINAL.match(word) or normal(token.lemma) in counts:
                return True
        return False

    def _counted(self, tokens: Sequence[Token], number: int, applying: bool) -> bool:
        """«подано уже четыре заявки», «это моё третье обращение»; not «поступило 45
        обращений» of an administration's summary, which tells of no applying of its own."""
        if not self._many(tokens, number, noun=True):
            return False
        before = tokens[max(0, number - 4) : number]
        return applying or any(normal(one.lemma) in OWN for one in before)

    def _dates(self, tokens: Sequence[Token], numbers: range) -> int:
        """The longest list of days or months in the sentence: «3, 10 и 17 июня» is 3."""
        if not any(normal(tokens[n].lemma) in MONTHS for n in numbers):
            return 0
        best = run = 0
        for n in numbers:
            word = tokens[n].text.lower()
            match = NUMBER.match(word)
            day = match is not None and 1 <= int(match.group(1)) <= 31
            month = normal(tokens[n].lemma) in MONTHS
            if month and n > 0 and NUMBER.match(tokens[n - 1].text.lower()):
                continue  # «17 июня» is one date
            if day or month:
                run += 1
                best = max(best, run)
            elif word not in LIST_GLUE:
                run = 0
        return best


def _clause(tokens: Sequence[Token], number: int, numbers: range) -> list[int]:
    """The sentence's tokens within REACH of `number` that no punctuation parts from it."""
    near = []
    for step in (-1, 1):
        n = number + step
        while n in numbers and abs(n - number) <= REACH and tokens[n].pos != "PUNCT":
            near.append(n)
            n += step
    return near
