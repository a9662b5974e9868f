"""Conflict situations: aggression, outrage, accusation, repeated complaint, collective action."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.analysis import Analysis
from nlp.config import TaggerConfig
from nlp.gathering import CROWD, PLACE
from nlp.scan import Scan
from nlp.toxicity import ToxicityGuess

LEXICONS = (
    "outrage",
    "accusation",
    "accusation_light",
    "officials",
    "repeated",
    "collective_action",
    "authority",
    "appeal",
)

REASONS = ("aggression", "outrage", "accusation", "repeated", "collective_action", "rude_reply")
EXCLAMATIONS = re.compile(r"[!?]*![!?]*!+[!?]*!")
# «?!» twice in one message: «Кто отвечает?! Где ваши проверки?!»
INDIGNANT = re.compile(r"\?!|!\?")
SHOUT = re.compile(r"\b[А-ЯЁ]{4,}\b")
# A writer who speaks of himself or his group: «мы писали губернатору», «получил нашу жалобу».
FIRST_PERSON = frozenset({"я", "мы", "мой", "наш"})


@dataclass(frozen=True, slots=True)
class ConflictGuess:
    reasons: tuple[str, ...]
    # The reasons the sentence readers found (nlp/repeats.py, nlp/rhetoric.py), not a lexicon.
    read: tuple[str, ...] = ()

    @property
    def conflict(self) -> bool:
        return bool(self.reasons)


class ConflictDetector:
    def __init__(self, config: TaggerConfig) -> None:
        self.abbreviations = {
            normal.upper() for normal in config.organisations if normal.isupper()
        } | {normal.upper() for normal in config.organisation_types if normal.isupper()}

    def detect(
        self,
        text: str,
        scan: Scan,
        toxicity: ToxicityGuess,
        positive: bool,
        rude_reply: bool,
        reply: bool,
        analysis: Analysis,
        people: int = 0,
        negative: bool = True,
        called: int = 0,
        repeated: bool = False,
        accused: bool = False,
    ) -> ConflictGuess:
        """`negative`: the message says something bad; capitals and «!!!» alone are no conflict
        («СПАСИБО ЗА ПЛОЩАДКУ!!!», «ПОДСКАЖИТЕ РАСПИСАНИЕ»), only as the voice of a grievance.
        `called`: nlp/gathering.py read a call to gather or block a road from the verb (2), or a
        call to come all together (1), which is a conflict only with a grievance.
        `repeated`: nlp/repeats.py read applying more than once from the sentence; `accused`:
        nlp/rhetoric.py read a rhetorical question or waiting for a tragedy. `analysis` tells an
        appeal upwards from news about the authority (`_reported`)."""
        if reply:
            return ConflictGuess(("rude_reply",) if rude_reply else ())
        reasons: list[str] = []
        if toxicity.threat >= 1.0:
            reasons.append("aggression")
        swearing = toxicity.obscene > 0 or toxicity.insult >= 1.0
        shouting = negative and self._shouts(text)
        if scan.score("outrage") >= 1.0 or (not positive and (swearing or shouting)):
            reasons.append("outrage")
        named = people > 0 or scan.score("officials") > 0
        light = named and scan.score("accusation_light") >= 1.0
        if scan.score("accusation") >= 1.0 or light or accused:
            reasons.append("accusation")
        if scan.score("repeated") >= 1.0 or repeated:
            reasons.append("repeated")
        gathering = called >= PLACE or (called >= CROWD and negative)
        upwards = self._appeals_upwards(scan, analysis)
        if scan.score("collective_action") >= 1.0 or gathering or upwards:
            reasons.append("collective_action")
        read = (("repeated",) if repeated else ()) + (("accusation",) if accused else ())
        return ConflictGuess(tuple(reasons), read)

    def _shouts(self, text: str) -> bool:
        if EXCLAMATIONS.search(text) or len(INDIGNANT.findall(text)) >= 2:
            return True
        shouted = [word for word in SHOUT.findall(text) if word not in self.abbreviations]
        return len(shouted) >= 2

    def _appeals_upwards(self, scan: Scan, analysis: Analysis) -> bool:
        words = scan.words
        sentences = {
            words[hit.start].sent
            for hit in scan.hits("authority")
            if not _reported(analysis, words[hit.start].index)
        }
        return any(words[hit.start].sent in sentences for hit in scan.hits("appeal"))


def _reported(analysis: Analysis, index: int) -> bool:
    """The authority at token `index` is the subject of news told in the third person: it is
    in the nominative, its sentence has a verb in the past tense, and no imperative and no word
    of the writer's own («Губернатор выступил с обращением к жителям», «сообщил прокурор
    района»). «Пусть прокурор разберётся», «Путин, разберитесь!» and «губернатор получил нашу
    жалобу» stay appeals."""
    tokens = analysis.tokens
    if tokens[index].feat("Case") != "Nom":
        return False
    sentence = [token for token in tokens if token.sent == tokens[index].sent]
    past = any(t.pos == "VERB" and t.feat("Tense") == "Past" for t in sentence)
    own = any(
        t.lemma in FIRST_PERSON
        or t.text.lower() in FIRST_PERSON
        or (t.pos in {"VERB", "AUX"} and t.feat("Person") == "1")
        or t.feat("Mood") == "Imp"
        for t in sentence
    )
    return past and not own
