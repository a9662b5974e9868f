"""`mcu demo`: the main job on one machine — servers up, a worker, the connectors reading the
local sources (VK, OK, Telegram Bot API, Dovecot, the site form) that the bundled sample is
written into, and a summary."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from devstack import stack
from devstack.layout import Layout
from devstack.process import Managed
from devstack.settings import StackSettings
from reports.names import CATEGORY_TITLES
from streams import deadletters, topics
from streams.replay import lines, publish
from streams.search import SearchEngine, connect, written_before, written_by_index

SAMPLE_DIR = Path(str(resources.files("devstack") / "sample"))


@dataclass
class Summary:
    # Sent to mcu.messages.raw: what the connectors fetched plus the broken lines replayed.
    replayed: int = 0
    fetched: dict[str, int] = field(default_factory=dict)
    indexed: int = 0
    deadletter: int = 0
    seconds: float = 0.0
    by_category: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    negative: int = 0
    alerts_fired: int = 0
    alerts_open: int = 0
    delivered: dict[str, int] = field(default_factory=dict)
    search_url: str = ""
    prometheus_url: str = ""
    metrics_url: str = ""
    connectors_url: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "replayed": self.replayed,
            "fetched": self.fetched,
            "indexed": self.indexed,
            "deadletter": self.deadletter,
            "seconds": round(self.seconds, 1),
            "by_category": self.by_category,
            "by_source": self.by_source,
            "conflicts": self.conflicts,
            "negative": self.negative,
            "alerts": {
                "fired": self.alerts_fired,
                "open": self.alerts_open,
                "delivered": self.delivered,
            },
            "search_url": self.search_url,
            "prometheus_url": self.prometheus_url,
            "metrics_url": self.metrics_url,
            "connectors_url": self.connectors_url,
        }


def worker_process(settings: StackSettings) -> Managed:
    return Managed("worker", Layout.at(settings.devstack.dir).run)


def start_worker(settings: StackSettings) -> bool:
    """Starts `python -m streams.worker` in the background unless it runs; True if started."""
    process = worker_process(settings)
    if process.pid() is not None:
        return False
    process.start(
        [sys.executable, "-m", "streams.worker"],
        marker="streams.worker",
        env={
            "MCU_WORKER__DATA_DIR": str(Layout.at(settings.devstack.dir).root / "worker"),
            **settings.worker_env(),
        },
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", settings.worker.metrics_port), timeout=1).close()
            return True
        except OSError:
            if process.pid() is None:
                raise RuntimeError(
                    f"Обработчик завершился при запуске:\n{process.tail()}"
                ) from None
            time.sleep(0.5)
    raise TimeoutError(f"Обработчик не открыл порт метрик за 120 с:\n{process.tail()}")


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """Each partition's end offset: where the records written from now on begin."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id="mcu-demo")
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in parts]
        return {tp.partition: int(end) for tp, end in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


def dead_letters_since(bootstrap: str, topic: str, since: dict[int, int]) -> int:
    """Distinct records put in the dead-letter topic after `since` (end offsets taken before).

    The pipeline delivers at least once: a raw record read again after a rebalance is put in
    the dead-letter topic again, with the same bytes, stage and reason. It counts once here."""
    letters = deadletters.read(bootstrap, topic, since=since)
    return len({(letter.stage, letter.value) for letter in letters})


def count_ids(search: SearchEngine, ids: list[str], since: datetime | None = None) -> int | None:
    """How many of the ids are searchable (`since`: indexed at or after it, by this run); None
    while the index is still coming up."""
    try:
        search.refresh()
        return search.count(written_by_index(ids, since))
    except Exception:  # a fresh index answers 503 until its shard is active
        return None


def aggregate(
    search: SearchEngine, ids: list[str], since: datetime | None = None
) -> dict[str, Any]:
    body = {
        "size": 0,
        "query": written_by_index(ids, since),
        "aggs": {
            "category": {"terms": {"field": "nlp.category", "size": 30}},
            "source": {"terms": {"field": "source", "size": 30}},
            "conflicts": {"filter": {"term": {"nlp.conflict": True}}},
            "negative": {"filter": {"term": {"nlp.sentiment": "negative"}}},
        },
    }
    aggs: dict[str, Any] = search.search(body)["aggregations"]
    return aggs


def alert_counts(metrics_url: str) -> tuple[int, dict[str, int]]:
    """Alerts fired and notifications sent per channel, as the worker's /metrics says."""
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    text = urllib.request.urlopen(metrics_url, timeout=5).read().decode()
    fired = 0.0
    sent: dict[str, int] = {"email": 0, "telegram": 0}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "mcu_alerts_fired_total":
                fired += sample.value
            elif sample.name == "mcu_notifications_total" and sample.labels["result"] == "sent":
                channel = sample.labels["channel"]
                sent[channel] = sent.get(channel, 0) + int(sample.value)
    return int(fired), sent


def open_alerts(settings: StackSettings) -> int:
    """Open alerts, as the worker's alerts HTTP API lists them."""
    import json
    import urllib.request

    cfg = settings.alerts
    req = urllib.request.Request(
        f"http://{cfg.api_host}:{cfg.api_port}/api/v1/alerts",
        headers={"Authorization": f"Bearer {settings.devstack.api_token}"},
    )
    data = json.loads(urllib.request.urlopen(req, timeout=5).read())
    return len(data["alerts"])


def wait_for_alerts(
    metrics_url: str, before: tuple[int, dict[str, int]], settle: float
) -> tuple[int, dict[str, int]]:
    """Waits out grouping (group_wait) until deliveries stop changing; returns the increase."""
    started = time.monotonic()
    last, stable_since = alert_counts(metrics_url), time.monotonic()
    while time.monotonic() - started < settle * 4:
        time.sleep(2.0)
        now = alert_counts(metrics_url)
        if now != last:
            last, stable_since = now, time.monotonic()
        elif time.monotonic() - started >= settle and time.monotonic() - stable_since >= 8:
            break
    fired = last[0] - before[0]
    delivered = {ch: n - before[1].get(ch, 0) for ch, n in last[1].items()}
    return fired, delivered


def new_records(bootstrap: str, topic: str, since: dict[int, int]) -> list[dict[str, Any]]:
    """Messages appended to the topic after the offsets `since` (per partition)."""
    import json

    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(tps)
        ends = consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, since.get(tp.partition, 0))
        out: list[dict[str, Any]] = []
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            for records in consumer.poll(timeout_ms=1000).values():
                for r in records:
                    try:
                        out.append(json.loads(r.value))
                    except ValueError:
                        continue
        return out
    finally:
        consumer.close()


def offsets(bootstrap: str, topic: str) -> dict[int, int]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return {tp.partition: int(off) for tp, off in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


def fetch_from_sources(
    settings: StackSettings, rows: list[dict[str, Any]], say: Callable[[str], None], timeout: float
) -> dict[str, str]:
    """Seeds the local sources and waits until the connectors sent it all; id → source."""
    from devstack import sources

    names = settings.kafka.topics
    world = sources.start(settings)
    since = offsets(settings.kafka.bootstrap, names.raw)
    say("Жители пишут: VK, Одноклассники, Telegram, почта и ПОС, форма на сайте…")
    expected = sum(world.seed(rows).values())
    say(f"Коннекторы забирают {expected} сообщений из источников…")
    deadline = time.monotonic() + timeout
    while True:
        found = {
            str(m["id"]): str(m.get("source"))
            for m in new_records(settings.kafka.bootstrap, names.raw, since)
            if isinstance(m, dict) and m.get("id")
        }
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(1.0)


# The sample's newest message is this old when the demo sends it.
NEWEST_AGE = timedelta(hours=1)


def moved_to(rows: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The sample as if it had just been written: every `created_at` moved by one shift so the
    newest is NEWEST_AGE before `now`, the gaps between messages and their offsets kept. On any
    day the demo then shows the same mix of fresh messages (paged) and backfill (never paged)."""
    if not rows:
        return []
    shift = now - NEWEST_AGE - max(datetime.fromisoformat(r["created_at"]) for r in rows)
    return [
        {**r, "created_at": (datetime.fromisoformat(r["created_at"]) + shift).isoformat()}
        for r in rows
    ]


def run(
    settings: StackSettings,
    files: list[Path] | None = None,
    say: Callable[[str], None] = print,
    timeout: float = 600.0,
) -> Summary:
    import json

    started = time.monotonic()
    sample, bad_file = files or [SAMPLE_DIR / "messages.jsonl", SAMPLE_DIR / "bad.jsonl"]
    say("Запускаю локальные серверы…")
    stack.up(settings, say=say)
    names = settings.kafka.topics
    topics.ensure_topics(
        settings.kafka.bootstrap, names, settings.kafka.partitions, settings.kafka.replicas
    )
    say("Обработчик: " + ("запущен" if start_worker(settings) else "уже работал"))
    # Only what the index agent writes from now on is this run's: an earlier demo left the same
    # ids, and, sent with other dates, in another monthly index.
    since = datetime.now(UTC)
    dlq_before = end_offsets(settings.kafka.bootstrap, names.deadletter)
    metrics_url = f"http://127.0.0.1:{settings.worker.metrics_port}/metrics"
    alerts_before = alert_counts(metrics_url)
    # Broken input from a careless producer goes straight to the raw topic: the DLQ shows it.
    bad = [raw for raw in lines(bad_file)]
    publish(settings.kafka.bootstrap, bad, names.raw)
    rows = moved_to([json.loads(raw) for raw in lines(sample)], datetime.now(UTC))
    fetched = fetch_from_sources(settings, rows, say, timeout)
    ids = sorted(fetched)
    summary = Summary(replayed=len(ids) + len(bad))
    for source in fetched.values():
        summary.fetched[source] = summary.fetched.get(source, 0) + 1
    search = connect(settings.search)
    deadline = time.monotonic() + timeout
    while True:
        summary.indexed = (count_ids(search, ids, since) if ids else 0) or 0
        summary.deadletter = dead_letters_since(
            settings.kafka.bootstrap, names.deadletter, dlq_before
        )
        if summary.indexed + summary.deadletter >= summary.replayed:
            break
        if time.monotonic() > deadline:
            say("Время ожидания вышло: не все сообщения дошли до индекса.")
            break
        time.sleep(1.0)
    if ids and summary.indexed == len(ids):
        stale = search.delete(written_before(ids, since))
        if stale:
            say(f"Удалены копии сообщений прошлого запуска демо: {stale}")
    if ids:
        aggs = aggregate(search, ids, since)
        summary.by_category = {b["key"]: b["doc_count"] for b in aggs["category"]["buckets"]}
        summary.by_source = {b["key"]: b["doc_count"] for b in aggs["source"]["buckets"]}
        summary.conflicts = int(aggs["conflicts"]["doc_count"])
        summary.negative = int(aggs["negative"]["doc_count"])
    search.close()
    if settings.alerts.enabled:
        say("Жду оповещения (группировка, доставка на SMTP и в Telegram)…")
        summary.alerts_fired, summary.delivered = wait_for_alerts(
            metrics_url, alerts_before, settle=35.0
        )
        summary.alerts_open = open_alerts(settings)
    summary.seconds = time.monotonic() - started
    summary.search_url = (
        f"{settings.search.url}/{settings.search.index_prefix}-*/_search?q=text:отопление"
    )
    summary.prometheus_url = f"http://127.0.0.1:{settings.devstack.prometheus_port}"
    summary.metrics_url = metrics_url
    summary.connectors_url = f"http://127.0.0.1:{settings.devstack.connectors_metrics_port}/metrics"
    return summary


def render(summary: Summary) -> str:
    out = [
        "",
        "МЦУ monitor — демонстрация завершена",
        f"  отправлено сообщений:     {summary.replayed}",
        "  получено из источников:   "
        + ", ".join(f"{src}: {n}" for src, n in sorted(summary.fetched.items())),
        f"  проиндексировано:         {summary.indexed}",
        f"  в очереди ошибок (DLQ):   {summary.deadletter}",
        f"  негативных / конфликтных: {summary.negative} / {summary.conflicts}",
        f"  время:                    {summary.seconds:.0f} с",
        "  по рубрикам:",
    ]
    for code, n in sorted(summary.by_category.items(), key=lambda kv: -kv[1]):
        out.append(f"    {CATEGORY_TITLES.get(code, code):<22} {n}")
    delivered = ", ".join(f"{ch}: {n}" for ch, n in sorted(summary.delivered.items()))
    out += [
        f"  оповещений сработало:     {summary.alerts_fired} (доставлено — {delivered or 'нет'})",
        f"  открытых оповещений:      {summary.alerts_open}",
        "  где смотреть:",
        f"    поиск (OpenSearch):  {summary.search_url}",
        f"    Prometheus:          {summary.prometheus_url}",
        f"    метрики обработчика: {summary.metrics_url}",
        "    письма и сообщения:  .devstack/data/smtp.jsonl, .devstack/data/botapi.jsonl",
        f"    коннекторы:          {summary.connectors_url}, .devstack/run/connectors.log",
        "  остановить всё: mcu devstack down",
    ]
    return "\n".join(out)
