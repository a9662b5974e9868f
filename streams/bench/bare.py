"""The bare tagger on a JSONL file (`mcu tag`'s work), printed as one JSON line.

Run as its own process with one BLAS/OpenMP thread, the settings the workers get, so the
baseline and the pipeline are measured alike: `python -m streams.bench.bare FILE`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def measure(lines: list[str]) -> tuple[float, float]:
    """(messages per second, CPU milliseconds per message) of tagging `lines` in batches of 64."""
    from nlp.jsonl import tag_lines
    from nlp.tagger import Tagger

    tagger = Tagger()
    list(tag_lines(lines[:64], tagger))  # warm caches
    started, cpu = time.perf_counter(), time.process_time()
    for _ in tag_lines(lines, tagger):
        pass
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    return len(lines) / wall, 1000 * used / len(lines)


def main() -> None:
    lines = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    rate, cpu_ms = measure(lines)
    print(json.dumps({"rate": rate, "cpu_ms": cpu_ms}))


if __name__ == "__main__":
    main()
