"""docker-compose.yml cannot run here (no Docker engine); check what it promises instead."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


@pytest.mark.parametrize(
    ("service", "image_prefix", "port"),
    [
        ("kafka", "apache/kafka:3.9", 9092),
        ("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:8.", 9200),
        ("kibana", "docker.elastic.co/kibana/kibana:8.", 5601),
        ("prometheus", "prom/prometheus:v2", 9090),
        ("grafana", "grafana/grafana:11", 3000),
    ],
)
def test_service_has_pinned_image_and_port(service: str, image_prefix: str, port: int) -> None:
    spec = SERVICES[service]
    assert spec["image"].startswith(image_prefix)
    assert f"{port}:{port}" in spec["ports"]


def test_kafka_runs_in_kraft_mode() -> None:
    env = SERVICES["kafka"]["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "zookeeper" not in str(SERVICES["kafka"]).lower()


def _env_paths(model: type[BaseModel], prefix: str = "MCU_") -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        key = f"{prefix}{name.upper()}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _env_paths(annotation, f"{key}__")
        else:
            names.add(key)
    return names


def test_worker_environment_names_are_settings_the_code_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = SERVICES["worker"]["environment"]
    known = _env_paths(Settings)
    unknown = sorted(set(env) - known)
    assert not unknown, f"variables no setting reads: {unknown}"
    for name, value in env.items():
        # Compose interpolation ${VAR:-default} resolves to the default here.
        value = str(value)
        if value.startswith("${") and ":-" in value:
            value = value.split(":-", 1)[1].rstrip("}")
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.search.engine == "elasticsearch"
    assert settings.search.url == "http://elasticsearch:9200"
    assert settings.kafka.bootstrap == "kafka:9092"
    assert settings.worker.metrics_port == 9108


def test_worker_is_built_here_and_scraped_by_prometheus() -> None:
    assert SERVICES["worker"]["build"] == "."
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    ports = {
        c["port"] for job in prometheus["scrape_configs"] for c in job.get("dns_sd_configs", [])
    }
    assert 9108 in ports


def test_mounted_files_exist_in_the_repo() -> None:
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source


def test_dockerfile_copies_existing_paths() -> None:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), src
    assert os.path.exists(ROOT / "pyproject.toml")
