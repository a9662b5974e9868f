"""Conflict situations: aggression, outrage, accusation, repeated complaint, collective action."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.config import TaggerConfig
from nlp.lexicon import Lexicon, Normaliser, Word
from nlp.toxicity import ToxicityGuess

REASONS = ("aggression", "outrage", "accusation", "repeated", "collective_action", "rude_reply")
EXCLAMATIONS = re.compile(r"[!?]*![!?]*!+[!?]*!")
SHOUT = re.compile(r"\b[А-ЯЁ]{4,}\b")


@dataclass(frozen=True, slots=True)
class ConflictGuess:
    reasons: tuple[str, ...]

    @property
    def conflict(self) -> bool:
        return bool(self.reasons)


class ConflictDetector:
    def __init__(self, config: TaggerConfig, normalise: Normaliser) -> None:
        self.outrage = Lexicon.build(config.lexicon("outrage"), normalise)
        self.accusation = Lexicon.build(config.lexicon("accusation"), normalise)
        self.repeated = Lexicon.build(config.lexicon("repeated"), normalise)
        self.collective = Lexicon.build(config.lexicon("collective_action"), normalise)
        self.authority = Lexicon.build(config.lexicon("authority"), normalise)
        self.appeal = Lexicon.build(config.lexicon("appeal"), normalise)
        self.light = Lexicon.build(config.lexicon("accusation_light"), normalise)
        self.officials = Lexicon.build(config.lexicon("officials"), normalise)
        self.abbreviations = {
            normal.upper() for normal in config.organisations if normal.isupper()
        } | {normal.upper() for normal in config.organisation_types if normal.isupper()}

    def detect(
        self,
        text: str,
        words: Sequence[Word],
        toxicity: ToxicityGuess,
        positive: bool,
        rude_reply: bool,
        reply: bool,
        people: int = 0,
    ) -> ConflictGuess:
        if reply:
            return ConflictGuess(("rude_reply",) if rude_reply else ())
        reasons: list[str] = []
        if toxicity.threat >= 1.0:
            reasons.append("aggression")
        swearing = toxicity.obscene > 0 or toxicity.insult >= 1.0
        if self.outrage.score(words) >= 1.0 or (not positive and (swearing or self._shouts(text))):
            reasons.append("outrage")
        named = people > 0 or self.officials.score(words) > 0
        if self.accusation.score(words) >= 1.0 or (named and self.light.score(words) >= 1.0):
            reasons.append("accusation")
        if self.repeated.score(words) >= 1.0:
            reasons.append("repeated")
        if self.collective.score(words) >= 1.0 or self._appeals_upwards(words):
            reasons.append("collective_action")
        return ConflictGuess(tuple(reasons))

    def _shouts(self, text: str) -> bool:
        if EXCLAMATIONS.search(text):
            return True
        shouted = [word for word in SHOUT.findall(text) if word not in self.abbreviations]
        return len(shouted) >= 2

    def _appeals_upwards(self, words: Sequence[Word]) -> bool:
        sentences = {words[hit.start].sent for hit in self.authority.hits(words)}
        return any(words[hit.start].sent in sentences for hit in self.appeal.hits(words))
