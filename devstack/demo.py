"""`mcu demo`: the main job on one machine — servers up, a worker, the bundled sample, a summary."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from devstack import stack
from devstack.layout import Layout
from devstack.process import Managed
from devstack.settings import StackSettings
from reports.names import CATEGORY_TITLES
from streams import topics
from streams.replay import lines, publish
from streams.search import SearchEngine, connect

SAMPLE_DIR = Path(str(resources.files("devstack") / "sample"))


@dataclass
class Summary:
    replayed: int = 0
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

    def as_json(self) -> dict[str, Any]:
        return {
            "replayed": self.replayed,
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


def end_offsets(bootstrap: str, topic: str) -> int:
    """Sum of the topic's end offsets: how many records it ever got."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id="mcu-demo")
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in parts]
        return int(sum(consumer.end_offsets(tps).values())) if tps else 0
    finally:
        consumer.close()


def sample_ids(paths: list[Path]) -> list[str]:
    import json

    ids = []
    for path in paths:
        for raw in lines(path):
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("id"):
                ids.append(str(data["id"]))
    return ids


def count_ids(search: SearchEngine, ids: list[str]) -> int | None:
    """How many of the ids are searchable; None while the index is still coming up."""
    try:
        search.refresh()
        return search.count({"ids": {"values": ids}})
    except Exception:  # a fresh index answers 503 until its shard is active
        return None


def aggregate(search: SearchEngine, ids: list[str]) -> dict[str, Any]:
    body = {
        "size": 0,
        "query": {"ids": {"values": ids}},
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


def run(
    settings: StackSettings,
    files: list[Path] | None = None,
    say: Callable[[str], None] = print,
    timeout: float = 600.0,
) -> Summary:
    started = time.monotonic()
    files = files or [SAMPLE_DIR / "messages.jsonl", SAMPLE_DIR / "bad.jsonl"]
    say("Запускаю локальные серверы…")
    stack.up(settings, say=say)
    names = settings.kafka.topics
    topics.ensure_topics(
        settings.kafka.bootstrap, names, settings.kafka.partitions, settings.kafka.replicas
    )
    say("Обработчик: " + ("запущен" if start_worker(settings) else "уже работал"))
    dlq_before = end_offsets(settings.kafka.bootstrap, names.deadletter)
    metrics_url = f"http://127.0.0.1:{settings.worker.metrics_port}/metrics"
    alerts_before = alert_counts(metrics_url)
    records = [raw for path in files for raw in lines(path)]
    ids = sample_ids(files)
    say(f"Отправляю {len(records)} сообщений в {names.raw}…")
    summary = Summary(replayed=publish(settings.kafka.bootstrap, records, names.raw))
    search = connect(settings.search)
    deadline = time.monotonic() + timeout
    while True:
        summary.indexed = (count_ids(search, ids) if ids else 0) or 0
        summary.deadletter = end_offsets(settings.kafka.bootstrap, names.deadletter) - dlq_before
        if summary.indexed + summary.deadletter >= summary.replayed:
            break
        if time.monotonic() > deadline:
            say("Время ожидания вышло: не все сообщения дошли до индекса.")
            break
        time.sleep(1.0)
    if ids:
        aggs = aggregate(search, ids)
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
    return summary


def render(summary: Summary) -> str:
    out = [
        "",
        "МЦУ monitor — демонстрация завершена",
        f"  отправлено сообщений:     {summary.replayed}",
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
        "  остановить всё: mcu devstack down",
    ]
    return "\n".join(out)
