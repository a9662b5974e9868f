"""Every panel query of the dashboards, evaluated by a real Prometheus (Debian's package)
scraping a metrics endpoint fed with sample traffic: each parses and returns finite data."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from connectors.metrics import ConnectorMetrics
from reports.ratings import DepartmentRating
from streams.metrics import SOURCES, Metrics, start_metrics_server
from tests.grafana.support import PROMETHEUS, api, evaluate, has_data, panel_queries, prometheus

CATEGORIES = ["ЖКХ", "Дороги", "Благоустройство", "Образование", "Транспорт"]
DEPARTMENTS = ["Комитет ЖКХ", "Отдел архитектуры", "Комитет по образованию"]
RULES = [("conflict", "critical"), ("overdue", "warning"), ("spike", "warning")]

pytestmark = pytest.mark.skipif(
    not Path(PROMETHEUS).exists(), reason="нужен Prometheus: apt-get install prometheus"
)


def feed(metrics: Metrics, stop: threading.Event) -> None:
    """Sample traffic through every metric, as the agents (and connectors) would produce it."""
    rng = random.Random(5)
    connectors = ConnectorMetrics(metrics.registry)
    for name in ("vk", "telegram", "imap"):
        connectors.start(name, 3600)
    while not stop.is_set():
        for name, source in (("vk", "vk"), ("telegram", "telegram"), ("imap", "email")):
            connectors.produced(name, source, rng.randint(0, 3), time.time() - rng.uniform(1, 60))
            connectors.polled(name)
        connectors.error("vk", rng.choice(["6", "9", "29"]))
        for _ in range(5):
            source = rng.choice(SOURCES)
            category = rng.choice(CATEGORIES)
            metrics.messages_received.labels(source=source, kind="comment").inc()
            metrics.observe_tagged(
                source=source,
                category=category,
                sentiment=rng.choice(["negative", "neutral", "positive"]),
                conflict=rng.random() < 0.1,
                complaint=rng.random() < 0.4,
            )
            metrics.messages_indexed.labels(source=source).inc()
            for stage, scale in (("tagged", 0.3), ("indexed", 1.5), ("alert_delivered", 4.0)):
                metrics.pipeline_latency.labels(stage=stage).observe(rng.expovariate(1 / scale))
        metrics.nlp_batch_seconds.observe(rng.uniform(0.05, 0.4))
        metrics.nlp_batch_size.observe(5)
        metrics.deadletter.labels(stage="tag", reason="invalid_json").inc(rng.random() < 0.2)
        metrics.index_errors.labels(reason="rejected").inc(rng.random() < 0.1)
        rule, severity = rng.choice(RULES)
        metrics.alert_fired(rule=rule, severity=severity, at=time.time())
        metrics.alerts_acknowledged.labels(rule=rule, severity=severity).inc()
        metrics.alert_resolved(rule=rule, severity=severity)
        metrics.notifications.labels(channel="telegram", result="sent").inc()
        for d in DEPARTMENTS:
            metrics.open_items.labels(department=d).set(rng.randint(0, 12))
            metrics.overdue_items.labels(department=d).set(rng.randint(0, 3))
            for state in ("new", "in_work", "answered", "resolved", "chatter"):
                metrics.incidents.labels(department=d, state=state).set(rng.randint(0, 9))
            metrics.response_hours.labels(department=d).observe(rng.uniform(0.5, 30))
            metrics.replies.labels(department=d, formal="false").inc()
        metrics.consumer_lag.labels(topic="mcu.messages.raw", partition="0").set(rng.randint(0, 50))
        stop.wait(0.25)


def ratings() -> list[DepartmentRating]:
    return [
        DepartmentRating(
            d,
            40 - 10 * i,
            30,
            25 - 5 * i,
            28,
            0.8 - 0.1 * i,
            5.0,
            20.0,
            0.9,
            0.7,
            85.0 - 10 * i,
            i + 1,
        )
        for i, d in enumerate(DEPARTMENTS)
    ]


@pytest.fixture(scope="module")
def worker() -> Iterator[int]:
    metrics = Metrics(CollectorRegistry())
    metrics.init_categories(CATEGORIES)
    metrics.init_departments(DEPARTMENTS)
    metrics.init_rules(RULES)
    metrics.set_ratings(ratings(), time.time())
    server = start_metrics_server(metrics.registry, 0)
    stop = threading.Event()
    thread = threading.Thread(target=feed, args=(metrics, stop), daemon=True)
    thread.start()
    yield int(server.server_port)
    stop.set()
    thread.join()
    server.shutdown()


@pytest.fixture(scope="module")
def prometheus_url(worker: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with prometheus(worker, tmp_path_factory.mktemp("prometheus")) as base:
        yield base


QUERIES = panel_queries()


@pytest.mark.parametrize(
    ("board", "panel", "ref", "expr"), QUERIES, ids=[f"{q[1]}#{q[2]}" for q in QUERIES]
)
def test_panel_query_returns_data(
    prometheus_url: str, board: str, panel: str, ref: str, expr: str
) -> None:
    error, values = evaluate(prometheus_url, expr, rate_interval="5s", range_="1h")
    assert not error, f"{board} / {panel}: {error}"
    assert has_data(values), f"{board} / {panel}: нет данных ({values}) для {expr}"


def test_a_broken_query_is_reported(prometheus_url: str) -> None:
    resp = api(prometheus_url, "/api/v1/query", query="sum by (department (mcu_open_items)")
    assert resp["status"] == "error"
