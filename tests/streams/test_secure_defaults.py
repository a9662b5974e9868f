"""Production defaults are not devstack values; secrets from files; the API is not left open."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import faust
import pytest

from streams.alerting.api import exposure_problem
from streams.alerting.runtime import telegram_bot
from streams.app import broker_credentials
from streams.settings import TELEGRAM_API, AlertsSettings, KafkaSettings, Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No MCU_* variable from the caller's shell leaks into Settings()."""
    for name in list(os.environ):
        if name.startswith("MCU_"):
            monkeypatch.delenv(name)
    yield


def test_production_defaults_are_not_devstack_values(clean_env: None) -> None:
    alerts = Settings().alerts
    assert alerts.telegram_base_url == TELEGRAM_API == "https://api.telegram.org"
    assert alerts.telegram_token is None
    assert alerts.api_token is None
    assert alerts.api_host == "127.0.0.1"
    assert alerts.mask_pii is True
    dump = json.dumps(Settings().model_dump(mode="json"))
    assert "devstack-token" not in dump and "devstack-api-token" not in dump
    assert "8081" not in dump


def test_devstack_values_live_in_the_devstack(clean_env: None) -> None:
    from devstack.settings import StackSettings

    env = StackSettings().worker_env()
    assert env["MCU_ALERTS__TELEGRAM_TOKEN"] == "devstack-token"
    assert env["MCU_ALERTS__API_TOKEN"] == "devstack-api-token"
    assert env["MCU_ALERTS__TELEGRAM_BASE_URL"] == "http://127.0.0.1:8081"


def test_no_telegram_token_means_telegram_off_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        assert telegram_bot(AlertsSettings()) is None
    assert "Telegram отключён: не задан MCU_ALERTS__TELEGRAM_TOKEN" in caplog.text
    assert telegram_bot(AlertsSettings(telegram_token="1:x" * 3)) is not None


def test_secrets_are_read_from_files(
    clean_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, empty = tmp_path / "api_token", tmp_path / "telegram_token"
    token.write_text("file-token-0123456789abcdefgh\n")
    empty.write_text("")
    password = tmp_path / "kafka"
    password.write_text("scram-password")
    monkeypatch.setenv("MCU_ALERTS__API_TOKEN_FILE", str(token))
    monkeypatch.setenv("MCU_ALERTS__TELEGRAM_TOKEN_FILE", str(empty))
    monkeypatch.setenv("MCU_KAFKA__SASL_PASSWORD_FILE", str(password))
    settings = Settings()
    assert settings.alerts.api_token is not None
    assert settings.alerts.api_token.get_secret_value() == "file-token-0123456789abcdefgh"
    # An empty file is a secret the operator has not provided: Telegram stays off.
    assert settings.alerts.telegram_token is None
    assert settings.kafka.sasl_password is not None
    assert settings.kafka.sasl_password.get_secret_value() == "scram-password"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"MCU_ALERTS__API_TOKEN_FILE": "/nonexistent/api_token"}, "не прочитать файл секрета"),
        ({"MCU_ALERTS__API_TOKEN": "x" * 30, "MCU_ALERTS__API_TOKEN_FILE": "/x"}, "что-то одно"),
    ],
)
def test_bad_secret_files_are_named(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], reason: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=reason):
        Settings()


def test_kafka_sasl_settings_reach_both_clients() -> None:
    plain = KafkaSettings()
    assert plain.client_options() == {} and broker_credentials(plain) is None
    scram = KafkaSettings(
        security_protocol="SASL_PLAINTEXT",
        sasl_username="mcu-worker",
        sasl_password="scram-secret",
    )
    assert scram.client_options() == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "mcu-worker",
        "sasl_plain_password": "scram-secret",
    }
    credentials = broker_credentials(scram)
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password) == ("mcu-worker", "scram-secret")
    assert credentials.mechanism.value == "SCRAM-SHA-512"


@pytest.mark.parametrize(
    ("host", "token", "refused"),
    [
        ("0.0.0.0", None, "не задан"),
        ("0.0.0.0", "", "не задан"),
        ("::", "devstack-api-token", "стандартный"),
        ("10.0.0.5", "changeme", "стандартный"),
        ("alerts.internal", "short-token", "короче 24"),
        ("0.0.0.0", "k3Jd9-long-random-token-0123456789", None),
        ("127.0.0.1", None, None),
        ("::1", None, None),
        ("localhost", None, None),
    ],
)
def test_api_off_loopback_needs_a_real_token(
    host: str, token: str | None, refused: str | None
) -> None:
    problem = exposure_problem(AlertsSettings(api_host=host, api_token=token))
    if refused is None:
        assert problem is None
    else:
        assert problem is not None and refused in problem
        assert "MCU_ALERTS__API_TOKEN" in problem and "MCU_ALERTS__API_HOST" in problem


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MCU_")}
    return subprocess.run(
        [sys.executable, *args],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_worker_refuses_to_start_on_all_interfaces_without_a_token(tmp_path: Path) -> None:
    result = _run(
        ["-m", "streams.worker"],
        {
            "MCU_ALERTS__API_HOST": "0.0.0.0",
            "MCU_ALERTS__API_TOKEN": "devstack-api-token",
            # Nothing is contacted: the check comes first.
            "MCU_KAFKA__BOOTSTRAP": "127.0.0.1:1",
            "MCU_WORKER__DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 2
    assert "Обработчик не запущен" in result.stderr
    assert "MCU_ALERTS__API_TOKEN" in result.stderr
    assert "devstack-api-token" not in result.stderr


def test_token_new_prints_a_token_once_and_the_roster_line(tmp_path: Path) -> None:
    result = _run(["-m", "streams.cli", "token", "new", "romanyuk"], {})
    assert result.returncode == 0, result.stderr
    token = result.stdout.split("передайте его лично): ", 1)[1].split()[0]
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert f'api_tokens: ["sha256:{digest}"]' in result.stdout
    assert len(token) > 40
    again = _run(["-m", "streams.cli", "token", "new", "romanyuk"], {})
    assert token not in again.stdout
    unknown = _run(["-m", "streams.cli", "token", "new", "nobody"], {})
    assert unknown.returncode == 2 and "Нет такого человека" in unknown.stderr
