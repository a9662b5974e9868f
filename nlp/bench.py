"""`mcu bench nlp`: the project's batch tagger against natasha's naive per-document pipeline."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from threadpoolctl import threadpool_info, threadpool_limits

from nlp.naive import NaivePipeline
from nlp.tagger import Tagger, TextItem

NAIVE_BLAS_THREADS = 1
# natasha's networks multiply tiny matrices: with OpenBLAS's default of one thread per core they
# spend their time synchronising threads, so a competent user runs them on one BLAS thread.


@dataclass(frozen=True, slots=True)
class BenchResult:
    messages: int
    tagger_rate: float
    naive_rate: float
    peak_rss_mib: float
    naive_threads: str = ""
    tagger_threads: str = ""
    # The process before natasha's naive pipeline was loaded: what the worker's tagger takes.
    tagger_peak_rss_mib: float = 0.0

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
    reports the best messages/second of each; models load before any timing. The tagger runs
    once before natasha's pipeline is loaded, so its own peak memory is known."""
    tagger = tagger or Tagger()
    texts = [item.text for item in items]

    def batched() -> None:
        for start in range(0, len(items), batch_size):
            tagger.tag_many(items[start : start + batch_size])

    tagger_rate = _rate(batched, len(items))
    tagger_peak = peak_rss_mib()
    naive = naive or NaivePipeline()

    def baseline() -> None:
        with threadpool_limits(limits=NAIVE_BLAS_THREADS, user_api="blas"):
            naive.analyse_many(texts)

    naive_rate = 0.0
    for _ in range(max(1, rounds)):
        naive_rate = max(naive_rate, _rate(baseline, len(texts)))
        tagger_rate = max(tagger_rate, _rate(batched, len(items)))
    return BenchResult(
        len(items),
        tagger_rate,
        naive_rate,
        peak_rss_mib(),
        naive_threads=f"BLAS {NAIVE_BLAS_THREADS} поток, документы по одному в одном потоке",
        tagger_threads=(
            "BLAS 1 поток на сеть; морфология и NER в двух потоках Python параллельно "
            f"(пакеты по {batch_size})"
        ),
        tagger_peak_rss_mib=tagger_peak,
    )


def default_blas_threads() -> int:
    """What BLAS would use untouched (the number a naive run gets)."""
    infos = [info for info in threadpool_info() if info.get("user_api") == "blas"]
    return max((int(info.get("num_threads", 1)) for info in infos), default=1)


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
