"""One bench: the bare tagger, then the whole path with one worker and with two."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reports.ratings import percentile
from streams.bench import measure
from streams.bench.cluster import ONE_THREAD, Cluster, wait
from streams.bench.corpus import OWN_PAGE, generate
from streams.search import connect
from streams.settings import Settings

WARMUP = 60
# Topics read to their end this long while documents are still missing: the run ends.
QUIET_SECONDS = 30.0
Say = Callable[[str], None]


@dataclass(frozen=True)
class RunResult:
    workers: int
    messages: int
    seconds: float
    rate: float
    p50_indexed_s: float | None
    p99_indexed_s: float | None
    p50_notified_s: float | None
    p99_notified_s: float | None
    # The same without the route's wait (group_wait / group_interval).
    p50_notified_ungrouped_s: float | None
    p99_notified_ungrouped_s: float | None
    peak_rss_mib: float
    # Worker CPU seconds per message: the throughput an idle core would give, load aside.
    cpu_ms_per_message: float
    open_incidents: int | None
    incidents: int | None
    open_alerts: int
    alerts_without_incident: int | None
    # Messages published but not found in the index when every topic was read to its end.
    missing: int = 0


def bare_rate(messages: list[dict[str, Any]], root: Path) -> tuple[float, float]:
    """`mcu tag` on the same lines, in a process of its own with one BLAS/OpenMP thread."""
    root.mkdir(parents=True, exist_ok=True)
    lines = root / "bare.jsonl"
    lines.write_text(
        "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages), encoding="utf-8"
    )
    env = {**os.environ, **ONE_THREAD}
    out = subprocess.run(
        [sys.executable, "-m", "streams.bench.bare", str(lines)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return float(result["rate"]), float(result["cpu_ms"])


def _paced(records: list[bytes], rate: float | None, sent: dict[str, float]) -> Iterator[bytes]:
    """Records stamped with their publish time (ingested_at), at `rate` per second if given."""
    started = time.monotonic()
    for n, raw in enumerate(records):
        if rate:
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        message = json.loads(raw)
        now = time.time()
        message["ingested_at"] = datetime.fromtimestamp(now, UTC).isoformat()
        sent[message["id"]] = now
        yield json.dumps(message, ensure_ascii=False).encode()


def run_cluster(
    cluster: Cluster,
    workers: int,
    messages: list[dict[str, Any]],
    rate: float | None,
    say: Say,
    timeout: float,
) -> RunResult:
    from streams.replay import publish

    base = cluster.base
    raw_topic = f"{cluster.prefix}mcu.messages.raw"
    search = connect(base.search.model_copy(update={"index_prefix": cluster.index_prefix}))
    cluster.start_servers()
    cluster.start_workers(workers)
    say(f"  обработчиков: {workers}; прогрев ({WARMUP} сообщений, загрузка моделей)…")
    warm = generate(WARMUP, days=0.01, run=f"w{cluster.run_id}", seed=1)
    publish(
        base.kafka.bootstrap, [json.dumps(m, ensure_ascii=False).encode() for m in warm], raw_topic
    )

    def indexed() -> int:
        search.refresh()
        return search.count()

    wait(lambda: indexed() >= WARMUP, timeout, "прогрев")
    records = [json.dumps(m, ensure_ascii=False).encode() for m in messages]
    sent: dict[str, float] = {}
    say(f"  отправка {len(records)} сообщений" + (f" по {rate:.0f}/с" if rate else "") + "…")
    started, cpu = time.monotonic(), cluster.cpu_seconds()
    publish(base.kafka.bootstrap, _paced(records, rate, sent), raw_topic)
    total = WARMUP + len(records)

    quiet_since: list[float | None] = [None]

    def done() -> bool:
        lag = measure.lags(base.kafka.bootstrap, cluster.app_id, cluster.prefix)
        if not measure.settled(lag, base.kafka.partitions):
            quiet_since[0] = None
            return False
        if indexed() >= total:
            return True
        # Every topic read to its end, yet documents missing: say so instead of waiting forever.
        since = quiet_since[0] or time.monotonic()
        quiet_since[0] = since
        return time.monotonic() - since > QUIET_SECONDS

    wait(done, timeout, "обработка всех сообщений")
    seconds = time.monotonic() - started - (QUIET_SECONDS if indexed() < total else 0)
    missing = total - indexed()
    if missing > 0:
        say(f"  ВНИМАНИЕ: {missing} сообщений не в индексе, хотя все темы прочитаны до конца")
    cpu_ms = 1000 * (cluster.cpu_seconds() - cpu) / len(records)
    say(f"  готово за {seconds:.1f} с; замеры…")
    peak = max(cluster.peak_rss_mib() or [0.0])
    index_lat = measure.indexed_latencies(search, set(sent))
    events = measure.alert_events(base.kafka.bootstrap, f"{cluster.prefix}mcu.alerts")
    notify_lat = measure.notified_latencies(events, cluster.smtp_out, sent)
    alerts = measure.open_alerts(cluster.api_ports[0], cluster.api_token) if cluster.alerts else []
    incidents = measure.incidents(search, cluster.index_prefix)
    open_incidents = sum(1 for i in incidents.values() if i.get("state") in ("new", "in_work"))
    orphans = sum(1 for a in alerts if a.get("item_id") not in incidents) if incidents else None
    return RunResult(
        workers=workers,
        messages=len(records),
        seconds=seconds,
        rate=len(records) / seconds,
        p50_indexed_s=percentile(index_lat, 50),
        p99_indexed_s=percentile(index_lat, 99),
        p50_notified_s=percentile(notify_lat.total, 50),
        p99_notified_s=percentile(notify_lat.total, 99),
        p50_notified_ungrouped_s=percentile(notify_lat.ungrouped, 50),
        p99_notified_ungrouped_s=percentile(notify_lat.ungrouped, 99),
        peak_rss_mib=peak,
        cpu_ms_per_message=round(cpu_ms, 3),
        open_incidents=open_incidents if incidents else None,
        incidents=len(incidents) if incidents else None,
        open_alerts=len(alerts),
        alerts_without_incident=orphans,
        missing=max(0, missing),
    )


def bench(
    count: int,
    worker_counts: list[int],
    rate: float | None,
    worker_root: Path,
    root: Path,
    say: Say,
    days: float = 4.0,
    keep: bool = False,
    timeout: float = 1800.0,
    alerts: bool = True,
) -> dict[str, Any]:
    settings = Settings()
    messages = generate(count, days=days)
    say(f"Сообщений: {len(messages)} за {days:g} сут. (выборка + data/eval, новые id/авторы/время)")
    say("Голый тэггер (`mcu tag` в отдельном процессе, один поток BLAS/OpenMP)…")
    bare, bare_cpu_ms = bare_rate(messages, root)
    say(f"  {bare:.1f} сообщ./с, {bare_cpu_ms:.2f} мс ЦП на сообщение")
    runs: list[RunResult] = []
    for workers in worker_counts:
        cluster = Cluster(
            root=root,
            worker_root=worker_root,
            base=settings,
            backfill_after=f"{int(days) + 2}d",
            own_pages=[f"{OWN_PAGE}_"],
            alerts=alerts,
        )
        try:
            runs.append(run_cluster(cluster, workers, messages, rate, say, timeout))
        finally:
            cluster.stop(drop=not keep)
    one = next((r for r in runs if r.workers == 1), runs[0])
    two = next((r for r in runs if r.workers == 2), None)
    return {
        "alerts": alerts,
        "messages": len(messages),
        "bare_rate": round(bare, 1),
        "e2e_rate": round(one.rate, 1),
        "ratio": round(one.rate / bare, 3),
        # The same ratio from CPU time (robust on a loaded machine): tagger ms / worker ms.
        "cpu_ratio": round(bare_cpu_ms / one.cpu_ms_per_message, 3),
        "bare_cpu_ms": round(bare_cpu_ms, 3),
        "two_worker_speedup": round(two.rate / one.rate, 3) if two else None,
        "p99_indexed_s": _round(one.p99_indexed_s),
        "p99_notified_s": _round(one.p99_notified_s),
        "p99_notified_ungrouped_s": _round(one.p99_notified_ungrouped_s),
        "peak_rss_mib": round(max(r.peak_rss_mib for r in runs), 1),
        "open_incidents": one.open_incidents,
        "open_alerts": one.open_alerts,
        "runs": [asdict(r) for r in runs],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
