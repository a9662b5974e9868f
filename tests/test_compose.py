"""docker-compose.yml cannot run here (no Docker engine); check what it promises instead."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from streams.alerting.api import exposure_problem
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
GENERATED = "generated-secrets"
# What operators open in a browser or a script; nothing else gets a port on the host.
PUBLISHED = {"grafana": 3000, "kibana": 5601, "worker": 6070, "connectors": 8094}
INTERNAL_ONLY = ("kafka", "elasticsearch", "prometheus")
SECRET_SUFFIXES = ("PASSWORD_FILE", "TOKEN_FILE", "PASSWORD__FILE")


def resolve(value: Any) -> str:
    """Compose interpolation ${VAR:-default} with nothing set: the default."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))


def env_of(service: str) -> dict[str, str]:
    return {k: resolve(v) for k, v in (SERVICES[service].get("environment") or {}).items()}


@pytest.mark.parametrize(
    ("service", "image_prefix"),
    [
        ("kafka", "apache/kafka:3.9"),
        ("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:8."),
        ("kibana", "docker.elastic.co/kibana/kibana:8."),
        ("prometheus", "prom/prometheus:v2"),
        ("grafana", "grafana/grafana:11"),
    ],
)
def test_service_has_pinned_image(service: str, image_prefix: str) -> None:
    assert SERVICES[service]["image"].startswith(image_prefix)


def test_only_what_operators_open_is_published_and_on_loopback_by_default() -> None:
    published = {name for name, spec in SERVICES.items() if spec.get("ports")}
    assert published == set(PUBLISHED)
    for name, port in PUBLISHED.items():
        for mapping in SERVICES[name]["ports"]:
            host, host_port, container = resolve(mapping).rsplit(":", 2)
            assert host == "127.0.0.1", f"{name} publishes on {host!r}"
            assert "${MCU_BIND_ADDR" in mapping, "the operator chooses the address"
            assert int(container) == port and host_port.startswith(str(port))


def test_backend_services_are_on_an_internal_network_only() -> None:
    assert COMPOSE["networks"]["backend"]["internal"] is True
    assert not COMPOSE["networks"]["frontend"].get("internal")
    for name in INTERNAL_ONLY:
        assert SERVICES[name]["networks"] == ["backend"], name
        assert "ports" not in SERVICES[name]
    # Grafana reads Prometheus, Kibana reads Elasticsearch, the worker all of them.
    for name in ("grafana", "kibana", "worker"):
        assert set(SERVICES[name]["networks"]) == {"backend", "frontend"}, name
    # Every service is on a named network or none, never the default one.
    for name, spec in SERVICES.items():
        assert spec.get("networks") or spec.get("network_mode") == "none", name


def test_kafka_runs_in_kraft_mode_with_sasl_scram_for_clients() -> None:
    kafka = SERVICES["kafka"]
    assert kafka["entrypoint"] == ["sh", "/etc/mcu/kafka/start.sh"]
    assert "zookeeper" not in str(kafka).lower()
    props = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy" / "kafka" / "server.properties").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert props["process.roles"] == "broker,controller"
    protocols = dict(p.split(":") for p in props["listener.security.protocol.map"].split(","))
    client_listeners = [
        lst.split("://")[0] for lst in props["listeners"].split(",") if "CONTROLLER" not in lst
    ]
    assert client_listeners == ["SASL_PLAINTEXT"]
    assert protocols["SASL_PLAINTEXT"] == "SASL_PLAINTEXT"
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    start = (ROOT / "deploy" / "kafka" / "start.sh").read_text()
    assert "--add-scram" in start and "name=mcu-worker" in start
    worker = env_of("worker")
    assert worker["MCU_KAFKA__SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert worker["MCU_KAFKA__SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert worker["MCU_KAFKA__SASL_USERNAME"] == "mcu-worker"


def test_elasticsearch_security_is_on_with_generated_passwords() -> None:
    es = env_of("elasticsearch")
    assert es["xpack.security.enabled"] == "true"
    assert es["xpack.security.http.ssl.enabled"] == "true"
    assert es["ELASTIC_PASSWORD_FILE"].startswith("/run/secrets/mcu/")
    assert "ELASTIC_PASSWORD" not in es
    setup = (ROOT / "deploy" / "es-setup.sh").read_text()
    assert "kibana_system/_password" in setup and "/_security/user/mcu-worker" in setup
    assert SERVICES["es-setup"]["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    worker = env_of("worker")
    assert worker["MCU_SEARCH__URL"].startswith("https://")
    assert worker["MCU_SEARCH__USERNAME"] == "mcu-worker"
    kibana = env_of("kibana")
    assert kibana["ELASTICSEARCH_HOSTS"].startswith("https://")
    assert "ELASTICSEARCH_PASSWORD" not in kibana


def test_grafana_has_no_default_admin_password() -> None:
    grafana = env_of("grafana")
    assert "GF_SECURITY_ADMIN_PASSWORD" not in grafana
    assert grafana["GF_SECURITY_ADMIN_PASSWORD__FILE"].startswith("/run/secrets/mcu/")
    assert grafana["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert "admin/admin" not in (ROOT / "docker-compose.yml").read_text()


def _secret_files() -> set[str]:
    """Paths of secret files any service is told to read."""
    found = set()
    for name in SERVICES:
        for key, value in env_of(name).items():
            if key.endswith(SECRET_SUFFIXES):
                found.add(value)
    return found


def test_every_secret_is_a_file_the_stack_generates_or_the_operator_gives(tmp_path: Path) -> None:
    generator = ROOT / "deploy" / "secrets.sh"
    out = tmp_path / "secrets"
    env = {"PATH": os.environ["PATH"], "SECRETS_DIR": str(out)}
    subprocess.run(["sh", str(generator)], env=env, check=True, capture_output=True)
    first = {p.name: p.read_text() for p in out.iterdir()}
    # Generated once: a second run keeps every value.
    subprocess.run(["sh", str(generator)], env=env, check=True, capture_output=True)
    assert {p.name: p.read_text() for p in out.iterdir()} == first
    assert all(len(v) == 32 and v.isalnum() for v in first.values()), first
    assert len(set(first.values())) == len(first)
    operator = {f"/run/secrets/{name}" for name in COMPOSE["secrets"]}
    for path in _secret_files():
        if path.startswith("/run/secrets/mcu/"):
            assert Path(path).name in first, path
        else:
            assert path in operator, path
    # Operator secrets default to an empty file: Telegram off, no SMTP login, never a default.
    for spec in COMPOSE["secrets"].values():
        assert resolve(spec["file"]) == "/dev/null"


def test_secrets_are_read_only_except_for_the_generator() -> None:
    for name, spec in SERVICES.items():
        for volume in spec.get("volumes", []):
            if volume.startswith(f"{GENERATED}:"):
                assert volume.endswith(":ro") == (name != "secrets"), (name, volume)
        for key, value in (spec.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "TOKEN")) and not key.endswith("FILE"):
                assert key in ("MCU_KAFKA__SASL_MECHANISM",) or not value, (name, key)


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


def test_every_mcu_variable_is_a_setting_the_code_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from connectors.settings import ConnectorSettings

    # The connectors' process reads the product settings plus its own section.
    known = _env_paths(ConnectorSettings)
    for name, spec in SERVICES.items():
        env = spec.get("environment") or {}
        unknown = sorted(k for k in env if k.startswith("MCU_") and k not in known)
        assert not unknown, f"{name}: variables no setting reads: {unknown}"
    # The worker's settings as the container reads them, its secret files made up here.
    for name in list(os.environ):
        if name.startswith("MCU_"):
            monkeypatch.delenv(name)
    for name, value in env_of("worker").items():
        if name.endswith(SECRET_SUFFIXES):
            fake = tmp_path / Path(value).name
            fake.write_text("" if "telegram" in value or "smtp" in value else "x" * 32)
            value = str(fake)
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.search.engine == "elasticsearch"
    assert settings.kafka.bootstrap == "kafka:9092"
    assert settings.kafka.sasl_password is not None
    assert settings.worker.metrics_port == 9108
    assert settings.alerts.telegram_token is None
    # The API listens on every interface of the container, and may: its token is a real one.
    assert settings.alerts.api_host == "0.0.0.0"
    assert exposure_problem(settings.alerts) is None
    assert str(settings.audit_file).startswith("/var/lib/mcu-audit/")


def test_worker_is_built_here_and_scraped_by_prometheus() -> None:
    assert SERVICES["worker"]["build"] == "."
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    ports = {
        c["port"] for job in prometheus["scrape_configs"] for c in job.get("dns_sd_configs", [])
    }
    assert 9108 in ports
    assert "prometheus" in SERVICES and "backend" in SERVICES["worker"]["networks"]


def test_mounted_files_exist_in_the_repo() -> None:
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source


def test_dockerfile_copies_existing_paths_and_prepares_the_audit_volume() -> None:
    text = (ROOT / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith("COPY "):
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), src
    assert "chown nobody /var/lib/mcu-audit" in text and "USER nobody" in text
