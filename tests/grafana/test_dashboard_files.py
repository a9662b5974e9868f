"""The committed dashboards: valid Grafana JSON, Russian titles, known metrics, one datasource."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from connectors.metrics import ConnectorMetrics
from streams.metrics import Metrics
from tests.grafana.support import GRAFANA

ROOT = Path(__file__).resolve().parents[2] / "grafana"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Series Prometheus itself adds, and the process collector's.
EXTERNAL = {"up", "process_resident_memory_bytes", "process_cpu_seconds_total"}


BUILD = GRAFANA
FILES = sorted((ROOT / "dashboards").glob("*.json"))


def boards() -> list[dict[str, Any]]:
    return [json.loads(f.read_text(encoding="utf-8")) for f in FILES]


def provisioned_uid() -> str:
    config = yaml.safe_load((ROOT / "provisioning/datasources/prometheus.yml").read_text())
    [source] = config["datasources"]
    assert source["type"] == "prometheus"
    return str(source["uid"])


def metric_names() -> set[str]:
    metrics = Metrics(CollectorRegistry())
    metrics.init_categories(["ЖКХ"])
    metrics.init_departments(["Комитет ЖКХ"])
    metrics.init_rules([("conflict", "critical")])
    metrics.consumer_lag.labels(topic="mcu.messages.raw", partition="0").set(0)
    metrics.set_ratings([], 0)
    # The connector processes' metrics (job mcu-connectors) share the health dashboard.
    connectors = ConnectorMetrics(metrics.registry)
    connectors.start("vk", 3600)
    connectors.produced("vk", "vk", 1, 0.0)
    names = set()
    for family in metrics.registry.collect():
        names.update(sample.name for sample in family.samples)
        names.add(family.name)
    return names


def test_committed_json_is_what_build_writes() -> None:
    rendered = BUILD.render()
    assert sorted(rendered) == [f.name for f in FILES]
    for f in FILES:
        assert f.read_text(encoding="utf-8") == rendered[f.name], f"python grafana/build.py: {f}"


def test_dashboard_provider_points_at_the_json() -> None:
    config = yaml.safe_load((ROOT / "provisioning/dashboards/mcu.yml").read_text())
    [provider] = config["providers"]
    assert provider["type"] == "file" and provider["options"]["path"]


@pytest.mark.parametrize("board", boards(), ids=[f.stem for f in FILES])
def test_dashboard_shape(board: dict[str, Any]) -> None:
    assert board["schemaVersion"] == 39
    assert CYRILLIC.search(board["title"])
    assert board["uid"].startswith("mcu-")
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    cells: set[tuple[int, int]] = set()
    for panel in board["panels"]:
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, panel["title"]
        mine = {
            (x, y)
            for x in range(pos["x"], pos["x"] + pos["w"])
            for y in range(pos["y"], pos["y"] + pos["h"])
        }
        assert not cells & mine, f"панели перекрываются: {panel['title']}"
        cells |= mine


def test_wall_screen_is_russian_and_covers_the_issue() -> None:
    titles = {b["title"]: [p["title"] for p in b["panels"]] for b in boards()}
    screen = titles["МЦУ — оперативный экран"]
    for needed in (
        "Поток сейчас",
        "Сообщений сегодня",
        "Негатив",
        "Просрочено по подразделениям",
        "Инцидентов ждут ответа, по подразделениям",
        "Инциденты по состояниям",
        "Открытые инциденты по подразделениям",
        "Лента оповещений",
        "Главные проблемы",
    ):
        assert any(t.startswith(needed) for t in screen), needed
    assert "МЦУ — состояние системы" in titles


@pytest.mark.parametrize("board", boards(), ids=[f.stem for f in FILES])
def test_panels_have_russian_titles_and_the_provisioned_datasource(board: dict[str, Any]) -> None:
    uid = provisioned_uid()
    for panel in board["panels"]:
        assert CYRILLIC.search(panel["title"]), panel["title"]
        assert panel["datasource"] == {"type": "prometheus", "uid": uid}
        assert panel["targets"], panel["title"]
        for t in panel["targets"]:
            assert t["datasource"]["uid"] == uid
            assert t["expr"].strip()


@pytest.mark.parametrize("board", boards(), ids=[f.stem for f in FILES])
def test_every_metric_in_a_query_is_defined_in_streams_metrics(board: dict[str, Any]) -> None:
    known = metric_names() | EXTERNAL
    for title, _ref, expr in BUILD.queries(board):
        for name in re.findall(r"\b(mcu_[a-z0-9_]+|up|process_[a-z_]+)\b", expr):
            assert name in known, f"{title}: {name}"
