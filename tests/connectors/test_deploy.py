"""docker-compose's connectors service: settings the code reads, secrets from files, scraped."""

from __future__ import annotations

import yaml

from connectors.settings import ConnectorSettings
from tests.connectors.support import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _names(model: type, prefix: str = "MCU_") -> set[str]:
    from pydantic import BaseModel

    out: set[str] = set()
    for name, field in model.model_fields.items():  # type: ignore[attr-defined]
        key = f"{prefix}{name.upper()}"
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out |= _names(field.annotation, f"{key}__")
        else:
            out.add(key)
    return out


def test_connectors_service_reads_known_settings_and_secret_files() -> None:
    env = COMPOSE["services"]["connectors"]["environment"]
    assert not set(env) - _names(ConnectorSettings)
    secret_names = [k for k in env if k.endswith(("TOKEN", "PASSWORD", "SECRET"))]
    assert not secret_names, "секреты — только через *_FILE"
    assert COMPOSE["services"]["connectors"]["command"] == ["connectors"]


def test_prometheus_scrapes_connectors_and_loads_the_rules() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["mcu-connectors"]["static_configs"][0]["targets"] == ["connectors:9109"]
    mounts = COMPOSE["services"]["prometheus"]["volumes"]
    assert "./deploy/rules:/etc/prometheus/rules:ro" in mounts
    assert config["rule_files"] == ["/etc/prometheus/rules/*.yml"]
