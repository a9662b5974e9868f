"""The author's attitude: evaluative lexicons plus the signals the other rules found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.config import TaggerConfig
from nlp.lexicon import Lexicon, Normaliser, Word


@dataclass(frozen=True, slots=True)
class Polarity:
    positive: float
    negative: float
    sarcasm: bool


class SentimentScorer:
    def __init__(self, config: TaggerConfig, normalise: Normaliser) -> None:
        self.positive = Lexicon.build(config.lexicon("positive"), normalise)
        self.negative = Lexicon.build(config.lexicon("negative"), normalise)
        self.sarcasm = Lexicon.build(config.lexicon("sarcasm"), normalise)
        self.margin = config.threshold("sentiment_margin", 1.0)

    def polarity(self, words: Sequence[Word]) -> Polarity:
        positive = self.positive.score(words)
        negative = self.negative.score(words)
        sarcasm = positive > 0 and self.sarcasm.score(words) >= 1.0
        if sarcasm:
            positive, negative = 0.0, negative + 2.0
        return Polarity(positive, negative, sarcasm)

    def label(
        self,
        polarity: Polarity,
        *,
        toxic: bool,
        conflict: bool,
        complaint: bool,
        reply: bool,
        rude: bool,
    ) -> str:
        if reply:
            return "negative" if rude else "neutral"
        negative = polarity.negative + 3.0 * toxic + 2.0 * conflict + 1.0 * complaint
        positive = polarity.positive
        if positive >= negative + self.margin and positive >= 2.0:
            return "positive"
        if negative >= 3.0 and negative > positive:
            return "negative"
        return "neutral"
