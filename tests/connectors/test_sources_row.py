"""The health dashboard's sources row against a running connector: a real Prometheus
(Debian's package) scrapes the connector process while it reads the local MAX server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devstack.fakes.maxbot import create_app
from devstack.fakes.runner import AppThread
from tests.connectors.support import Run, http, wait_for
from tests.grafana.support import GRAFANA, ROOT, evaluate, has_data, prometheus, scrapes

BOARD = json.loads(
    (ROOT / "grafana" / "dashboards" / "mcu-health.json").read_text(encoding="utf-8")
)
QUERIES = [q for q in GRAFANA.queries(BOARD) if "mcu_connector_" in q[2]]


def test_the_row_exists() -> None:
    titles = [title for title, _, _ in QUERIES]
    for needed in (
        "Получено из источников",
        "Отставание",
        "Ошибки API",
        "Последний успешный опрос",
    ):
        assert any(t.startswith(needed) for t in titles), needed


@pytest.fixture(scope="module")
def prometheus_url(bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> object:
    tmp = tmp_path_factory.mktemp("sources")
    with AppThread(lambda: create_app("max-token")) as fake:
        run = Run.new(bootstrap, tmp)
        run.env.update(
            {
                "MCU_CONNECTORS__MAX__BASE_URL": fake.url,
                "MCU_CONNECTORS__MAX__TOKEN": "max-token",
                "MCU_CONNECTORS__MAX__POLL_TIMEOUT": "1",
            }
        )
        run.start("connect", "max")
        run.wait_metrics()
        with prometheus(run.metrics_port, Path(tmp), job="mcu-connectors") as base:
            wait_for(lambda: "max:updates" in run.cursors())
            http(f"{fake.url}/_test/fail", {"method": "updates", "status": 429})
            mid = http(
                f"{fake.url}/_test/message", {"chat_id": -1, "user_id": 5, "text": "Нет света"}
            )
            run.wait_ids({f"max:-1/{mid['mid']}"})
            seen = scrapes(base, "mcu-connectors")
            wait_for(lambda: scrapes(base, "mcu-connectors") >= seen + 3, 30, "сбор метрик")
            yield base
        run.stop()


@pytest.mark.parametrize(("panel", "ref", "expr"), QUERIES, ids=[f"{q[0]}#{q[1]}" for q in QUERIES])
def test_panel_query_on_a_connector(prometheus_url: str, panel: str, ref: str, expr: str) -> None:
    error, values = evaluate(prometheus_url, expr, rate_interval="1m", range_="1h")
    assert not error, f"{panel}: {error}"
    assert has_data(values), f"{panel}: нет данных ({values}) для {expr}"
