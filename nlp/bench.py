"""`mcu bench nlp`: the project's batch tagger against natasha's naive per-document pipeline."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nlp.naive import NaivePipeline
from nlp.tagger import Tagger, TextItem


@dataclass(frozen=True, slots=True)
class BenchResult:
    messages: int
    tagger_rate: float
    naive_rate: float
    peak_rss_mib: float

    @property
    def ratio(self) -> float:
        return self.tagger_rate / self.naive_rate if self.naive_rate else 0.0


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def _rate(run: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    return count / elapsed if elapsed > 0 else float("inf")


def bench(
    items: Sequence[TextItem],
    tagger: Tagger | None = None,
    naive: NaivePipeline | None = None,
    batch_size: int = 64,
    rounds: int = 2,
) -> BenchResult:
    """Tags the same items both ways, alternating for `rounds` (a shared machine is noisy), and
    reports the best messages/second of each; models load before any timing."""
    tagger = tagger or Tagger()
    naive = naive or NaivePipeline()
    texts = [item.text for item in items]

    def batched() -> None:
        for start in range(0, len(items), batch_size):
            tagger.tag_many(items[start : start + batch_size])

    naive_rate = tagger_rate = 0.0
    for _ in range(max(1, rounds)):
        naive_rate = max(naive_rate, _rate(lambda: naive.analyse_many(texts), len(texts)))
        tagger_rate = max(tagger_rate, _rate(batched, len(items)))
    return BenchResult(len(items), tagger_rate, naive_rate, peak_rss_mib())


@dataclass(frozen=True, slots=True)
class LongResult:
    name: str
    chars: int
    seconds: float
    truncated: bool
    rss_before_mib: float
    rss_after_mib: float


def long_text(tagger: Tagger, name: str, text: str) -> LongResult:
    """Tags one long text alone; the process's peak RSS before and after says what it cost."""
    before = peak_rss_mib()
    started = time.perf_counter()
    tagging = tagger.tag(TextItem(text, "appeal"))
    seconds = time.perf_counter() - started
    return LongResult(name, len(text), seconds, tagging.truncated, before, peak_rss_mib())
