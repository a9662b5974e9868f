"""Toxicity: obscenity (masked too), insults and threats; a probability-like score in 0..1."""

from __future__ import annotations

from dataclasses import dataclass

from nlp.config import TaggerConfig
from nlp.scan import Scan
from nlp.spelling import masked, may_hide

LEXICONS = ("insult", "threat")


@dataclass(frozen=True, slots=True)
class ToxicityGuess:
    score: float
    obscene: int
    insult: float
    threat: float

    @property
    def toxic(self) -> bool:
        return self.score >= 0.5


class ToxicityScorer:
    def __init__(self, config: TaggerConfig) -> None:
        self.obscene = config.regexes("obscene")

    def score(
        self, text: str, scan: Scan, read_threat: float = 0.0, raw: str | None = None
    ) -> ToxicityGuess:
        """`text`: the text the morphology read (look-alikes undone, nlp/spelling.py); `raw`: the
        text as written, whose masks («бл@ть», «3.14здец», «п.з.д.ц») the patterns also read.
        `read_threat`: a threat nlp/threats.py read from the verb, on top of the lexicon's."""
        renderings = [text.lower().replace("ё", "е")]
        if raw is not None and may_hide(raw):
            renderings.append(masked(raw))
        obscene = max(sum(len(regex.findall(one)) for regex in self.obscene) for one in renderings)
        insult = scan.score("insult")
        threat = scan.score("threat") + read_threat
        clean = 1.0
        clean *= 0.1**obscene
        clean *= max(0.0, 1.0 - 0.8 * min(insult, 1.0)) * (0.6 if insult > 1.0 else 1.0)
        clean *= max(0.0, 1.0 - 0.6 * min(threat, 1.0))
        return ToxicityGuess(round(1.0 - clean, 3), obscene, insult, threat)
