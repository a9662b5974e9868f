"""The author's attitude: evaluative lexicons plus the signals the other rules found."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.config import TaggerConfig
from nlp.scan import Scan, weight

LEXICONS = ("positive", "negative", "sarcasm")
# The writer's frown: «:(», «=(», «((», or a word closed by «(» («вся в слезах(», «ну вот((»).
# A smile is no such sign: «спасибо, очень вкусно)))» is sarcasm as often as joy.
FROWN = re.compile(r"[:;=]-?\(|\({2,}|\w[ \t]*\((?=[ \t]*(?:$|[\n.!?,]))", re.MULTILINE)


def frowns(text: str) -> bool:
    """Whether the writer frowns (FROWN) with no bracket left open for a remark: «(см. ниже» ."""
    return any(
        text.count("(", 0, one.end()) > text.count(")", 0, one.end())
        for one in FROWN.finditer(text)
    )


@dataclass(frozen=True, slots=True)
class Polarity:
    positive: float
    negative: float
    sarcasm: bool


class SentimentScorer:
    def __init__(self, config: TaggerConfig) -> None:
        self.margin = config.threshold("sentiment_margin", 1.0)

    def polarity(self, scan: Scan) -> Polarity:
        positive = scan.score("positive")
        negative = scan.score("negative")
        # Ironic praise («просто шедевр», «спасибо за ещё одну зиму») next to thanks or a complaint.
        sarcasm = (positive > 0 or negative > 0) and _ironic(scan) >= 1.0
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
        # A complaint is negative whatever its tone, a formal appeal included (GUIDE.md).
        negative = polarity.negative + 3.0 * toxic + 2.0 * conflict + 3.0 * complaint
        positive = polarity.positive
        if positive >= negative + self.margin and positive >= 2.0:
            return "positive"
        if negative >= 3.0 and negative > positive:
            return "negative"
        return "neutral"


def _ironic(scan: Scan) -> float:
    """The sarcasm lexicon's score without the hits whose last word opens praise that runs on
    past them: «спасибо ... без» is irony in «спасибо, ещё одну зиму без света» but not in
    «спасибо, оформили выплату без очередей», where «без очередей» is a positive term. «Ну
    спасибо» stays irony: the praise «спасибо» ends with it."""
    praise = [(hit.start, hit.stop) for hit in scan.hits("positive")]
    return weight(
        hit
        for hit in scan.hits("sarcasm")
        if not any(hit.start < start < hit.stop < stop for start, stop in praise)
    )
