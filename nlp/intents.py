"""Is the author complaining, asking, or both; replies are neither."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.analysis import Analysis
from nlp.config import TaggerConfig
from nlp.lexicon import Lexicon, Normaliser, Word

QUESTION_MARK = re.compile(r"\?(?![^\s]*\.[a-z]{2,}/)")


@dataclass(frozen=True, slots=True)
class IntentGuess:
    complaint: bool
    question: bool
    complaint_score: float


class IntentReader:
    def __init__(self, config: TaggerConfig, normalise: Normaliser) -> None:
        self.complaint = Lexicon.build(config.lexicon("complaint"), normalise)
        self.question = Lexicon.build(config.lexicon("question"), normalise)
        self.starts = Lexicon.build(config.lexicon("question_start"), normalise)
        self.threshold = config.threshold("complaint_min_score", 1.0)

    def read(
        self, analysis: Analysis, words: Sequence[Word], negative: float, positive: float,
        conflict: bool,
    ) -> IntentGuess:
        score = self.complaint.score(words)
        complaint = conflict or score >= self.threshold and score + negative > positive
        return IntentGuess(complaint, self._asks(analysis, words), score)

    def _asks(self, analysis: Analysis, words: Sequence[Word]) -> bool:
        if QUESTION_MARK.search(analysis.text) or self.question.score(words) >= 1.0:
            return True
        first = {0} | {
            index for index in range(1, len(words)) if words[index].sent != words[index - 1].sent
        }
        return any(
            hit.start in first and hit.term.weight >= 1.0 for hit in self.starts.hits(words)
        )
