"""Every panel query of the dashboards, evaluated by a real Prometheus (Debian's package)
scraping a metrics endpoint fed with sample traffic: each parses and returns finite data."""

from __future__ import annotations

import importlib.util
import json
import math
import random
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from reports.ratings import DepartmentRating
from streams.metrics import SOURCES, Metrics, start_metrics_server

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
ROOT = Path(__file__).resolve().parents[2] / "grafana"
CATEGORIES = ["ЖКХ", "Дороги", "Благоустройство", "Образование", "Транспорт"]
DEPARTMENTS = ["Комитет ЖКХ", "Отдел архитектуры", "Комитет по образованию"]
RULES = [("conflict", "critical"), ("overdue", "warning"), ("spike", "warning")]

pytestmark = pytest.mark.skipif(
    not Path(PROMETHEUS).exists(), reason="нужен Prometheus: apt-get install prometheus"
)


def load_build() -> Any:
    spec = importlib.util.spec_from_file_location("grafana_build", ROOT / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = load_build()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def feed(metrics: Metrics, stop: threading.Event) -> None:
    """Sample traffic through every metric, as the agents would produce it."""
    rng = random.Random(5)
    while not stop.is_set():
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
        metrics.deadletter.labels(reason="invalid_json").inc(rng.random() < 0.2)
        metrics.index_errors.labels(reason="rejected").inc(rng.random() < 0.1)
        rule, severity = rng.choice(RULES)
        metrics.alert_fired(rule=rule, severity=severity, at=time.time())
        metrics.alerts_acknowledged.labels(rule=rule, severity=severity).inc()
        metrics.alert_resolved(rule=rule, severity=severity)
        metrics.notifications.labels(channel="telegram", result="sent").inc()
        for d in DEPARTMENTS:
            metrics.open_items.labels(department=d).set(rng.randint(0, 12))
            metrics.overdue_items.labels(department=d).set(rng.randint(0, 3))
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


def api(base: str, path: str, **params: str) -> dict[str, Any]:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return dict(json.load(resp))
    except urllib.error.HTTPError as err:
        return dict(json.load(err))


@pytest.fixture(scope="module")
def prometheus(worker: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("prometheus")
    port = free_port()
    config = home / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: mcu-worker\n    static_configs:\n"
        f"      - targets: ['127.0.0.1:{worker}']\n"
    )
    log = (home / "prometheus.log").open("w")
    proc = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, (home / "prometheus.log").read_text()[-2000:]
            try:
                samples = api(
                    base, "/api/v1/query", query='count_over_time(up{job="mcu-worker"}[1m])'
                )
                result = samples.get("data", {}).get("result", [])
                if result and float(result[0]["value"][1]) >= 6:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("Prometheus не собрал метрики за 60 с")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def all_queries() -> list[tuple[str, str, str, str]]:
    out = []
    for path in sorted((ROOT / "dashboards").glob("*.json")):
        board = json.loads(path.read_text(encoding="utf-8"))
        out += [(board["title"], *q) for q in BUILD.queries(board)]
    return out


QUERIES = all_queries()


@pytest.mark.parametrize(
    ("board", "panel", "ref", "expr"), QUERIES, ids=[f"{q[1]}#{q[2]}" for q in QUERIES]
)
def test_panel_query_returns_data(
    prometheus: str, board: str, panel: str, ref: str, expr: str
) -> None:
    query = BUILD.expand(expr, rate_interval="5s", range_="1h")
    resp = api(prometheus, "/api/v1/query", query=query)
    assert resp["status"] == "success", f"{board} / {panel}: {resp.get('error')}"
    result = resp["data"]["result"]
    assert result, f"{board} / {panel}: нет данных для {query}"
    values = [float(r["value"][1]) for r in result]
    assert any(math.isfinite(v) for v in values), f"{board} / {panel}: {values}"


def test_a_broken_query_is_reported(prometheus: str) -> None:
    resp = api(prometheus, "/api/v1/query", query="sum by (department (mcu_open_items)")
    assert resp["status"] == "error"
