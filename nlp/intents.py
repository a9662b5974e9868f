"""Is the author complaining, asking, or both; replies are neither."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.analysis import Analysis
from nlp.config import TaggerConfig
from nlp.lexicon import Word
from nlp.scan import Scan

LEXICONS = ("complaint", "question", "question_start", "rhetorical")

QUESTION_MARK = re.compile(r"\?")


def _sentences(analysis: Analysis) -> list[tuple[int, str]]:
    spans: dict[int, tuple[int, int]] = {}
    for token in analysis.tokens:
        start, stop = spans.get(token.sent, (token.start, token.stop))
        spans[token.sent] = (min(start, token.start), max(stop, token.stop))
    return [(sent, analysis.text[start:stop]) for sent, (start, stop) in spans.items()]


@dataclass(frozen=True, slots=True)
class IntentGuess:
    complaint: bool
    question: bool
    complaint_score: float


class IntentReader:
    def __init__(self, config: TaggerConfig) -> None:
        self.threshold = config.threshold("complaint_min_score", 1.0)

    def read(
        self,
        analysis: Analysis,
        scan: Scan,
        negative: float,
        positive: float,
        conflict: bool,
    ) -> IntentGuess:
        score = scan.score("complaint")
        complaint = conflict or (score >= self.threshold and score + negative > positive)
        return IntentGuess(complaint, self._asks(analysis, scan), score)

    def _asks(self, analysis: Analysis, scan: Scan) -> bool:
        """A plain «?», a question phrase or a question word opening a sentence; «?!», «???»
        and rhetorical phrases («сколько можно») do not count."""
        words: Sequence[Word] = scan.words
        rhetorical = {words[hit.start].sent for hit in scan.hits("rhetorical")}
        weights: dict[int, float] = {}
        for hit in scan.hits("question"):
            sent = words[hit.start].sent
            weights[sent] = weights.get(sent, 0.0) + hit.term.weight
        asked = {sent for sent, weight in weights.items() if weight >= 1.0}
        first = {0} | {
            index for index in range(1, len(words)) if words[index].sent != words[index - 1].sent
        }
        asked |= {
            words[hit.start].sent
            for hit in scan.hits("question_start")
            if hit.start in first and hit.term.weight >= 1.0
        }
        for number, sentence in _sentences(analysis):
            if QUESTION_MARK.search(sentence):
                asked.add(number)
        return bool(asked - rhetorical)
