"""A worker on Kafka with SASL/SCRAM (the compose broker config), alerts to Telegram and to SMTP
with a login, presses, the API with personal tokens, the CLI — and no secret in any log of it."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from alerts.access import hash_token
from devstack.kafka import LOG4J
from devstack.settings import StackSettings
from devstack.smtp_sink import SmtpSink
from streams.settings import CONFIG_DIR
from tests.e2e.conftest import (
    ROOT,
    WorkerHandle,
    drop_run,
    free_port,
    message,
    settings_from,
    wait_for,
)

ROUTES = """
route:
  receiver: mcu
  group_by: [kind, department]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - matchers: ['severity="critical"']
      receiver: $department
      continue: true
    - receiver: mcu
"""


@dataclass
class Secrets:
    bot: str = f"{secrets.randbelow(10**9) + 10**9}:AA{secrets.token_urlsafe(26)}"
    api: str = "shared-" + secrets.token_urlsafe(24)
    person: str = "mcu_" + secrets.token_urlsafe(32)
    smtp: str = "smtp-" + secrets.token_urlsafe(12)
    kafka_admin: str = "admin-" + secrets.token_urlsafe(12)
    kafka_worker: str = "worker-" + secrets.token_urlsafe(12)

    def all(self) -> dict[str, str]:
        return dict(vars(self))


def _java(lib: Path, conf: Path, main: str, *args: str) -> list[str]:
    return [
        "java",
        "-Xms256m",
        "-Xmx384m",
        f"-Dlog4j.configuration=file:{conf / 'log4j.properties'}",
        "-cp",
        f"{lib}/*",
        main,
        *args,
    ]


@dataclass
class ScramKafka:
    bootstrap: str
    log: Path
    proc: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def keys() -> Secrets:
    return Secrets()


@pytest.fixture(scope="module")
def kafka(tmp_path_factory: pytest.TempPathFactory, keys: Secrets) -> Iterator[ScramKafka]:
    """A private broker started from deploy/kafka/server.properties, as docker-compose does."""
    tmp = tmp_path_factory.mktemp("scram-kafka")
    lib = StackSettings().devstack.dir.resolve() / "lib" / "kafka"
    port, controller = free_port(), free_port()
    template = (ROOT / "deploy" / "kafka" / "server.properties").read_text()
    for key, value in {
        "@HOST@": "127.0.0.1",
        "@BIND@": "127.0.0.1",
        "@PORT@": str(port),
        "@CONTROLLER_PORT@": str(controller),
        "@DATA@": str(tmp / "data"),
        "@ADMIN_PASSWORD@": keys.kafka_admin,
    }.items():
        template = template.replace(key, value)
    props = tmp / "server.properties"
    props.write_text(template + "offsets.topic.num.partitions=4\n")
    (tmp / "log4j.properties").write_text(LOG4J)
    log = tmp / "kafka.log"
    fmt = _java(
        lib,
        tmp,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        uuid.uuid4().hex[:22],
        "-c",
        str(props),
        "--add-scram",
        f"SCRAM-SHA-512=[name=admin,password={keys.kafka_admin}]",
        "--add-scram",
        f"SCRAM-SHA-512=[name=mcu-worker,password={keys.kafka_worker}]",
    )
    with log.open("ab") as out:
        subprocess.run(fmt, stdout=out, stderr=subprocess.STDOUT, check=True, timeout=120)
        proc = subprocess.Popen(
            _java(lib, tmp, "kafka.Kafka", str(props)), stdout=out, stderr=subprocess.STDOUT
        )
    broker = ScramKafka(f"127.0.0.1:{port}", log, proc)
    try:
        wait_for(lambda: _answers(broker.bootstrap, keys.kafka_worker), timeout=180, interval=1)
        yield broker
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)


def _sasl(password: str) -> dict[str, Any]:
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "mcu-worker",
        "sasl_plain_password": password,
    }


def _answers(bootstrap: str, password: str) -> bool:
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap, request_timeout_ms=5000, **_sasl(password)
        )
    except (KafkaError, OSError, ValueError):
        return False
    try:
        admin.list_topics()
        return True
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()


def test_a_wrong_scram_password_is_refused(kafka: ScramKafka) -> None:
    assert not _answers(kafka.bootstrap, "wrong-password")


def _roster(tmp: Path, keys: Secrets) -> Path:
    data = yaml.safe_load((CONFIG_DIR / "roster.yaml").read_text(encoding="utf-8"))
    for person in data["roster"]["people"]:
        if person["id"] == "romanyuk":
            person["api_tokens"] = [hash_token(keys.person)]
    path = tmp / "roster.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _api(port: int, token: str, path: str, method: str = "GET") -> Any:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        method=method,
        data=b"{}" if method == "POST" else None,
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    return json.loads(urllib.request.urlopen(req, timeout=10).read())


def _cli(args: list[str], env: dict[str, str], out: Path) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MCU_")}
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out.write_text(result.stdout + result.stderr, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_no_secret_appears_in_any_log(
    devstack: StackSettings,
    kafka: ScramKafka,
    keys: Secrets,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    logs: list[Path] = [kafka.log]
    smtp = SmtpSink(tmp_path / "smtp.jsonl", port=free_port(), credentials=("mcu", keys.smtp))
    smtp.start()
    bot_port = free_port()
    bot_log = tmp_path / "botapi.log"
    logs.append(bot_log)
    with bot_log.open("ab") as out:
        bot = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devstack.botapi",
                "--port",
                str(bot_port),
                "--out",
                str(tmp_path / "botapi.jsonl"),
                "--token",
                keys.bot,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    (tmp_path / "kafka_password").write_text(keys.kafka_worker)
    (tmp_path / "bot_token").write_text(keys.bot)
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES)
    files = [str(CONFIG_DIR / "rules.yaml"), str(routes), str(_roster(tmp_path, keys))]
    run_id = uuid.uuid4().hex[:8]
    api_port = free_port()
    env = {
        "MCU_KAFKA__BOOTSTRAP": kafka.bootstrap,
        "MCU_KAFKA__PARTITIONS": "2",
        "MCU_KAFKA__TOPIC_PREFIX": f"test-{run_id}.",
        "MCU_KAFKA__SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "MCU_KAFKA__SASL_USERNAME": "mcu-worker",
        "MCU_KAFKA__SASL_PASSWORD_FILE": str(tmp_path / "kafka_password"),
        "MCU_SEARCH__INDEX_PREFIX": f"mcu-test-{run_id}",
        "MCU_WORKER__APP_ID": f"mcu-test-{run_id}",
        "MCU_WORKER__WEB_PORT": str(free_port()),
        "MCU_WORKER__METRICS_PORT": str(free_port()),
        "MCU_WORKER__DATA_DIR": str(tmp_path / "worker-data"),
        "MCU_ALERTS__CONFIG_FILES": json.dumps(files),
        "MCU_ALERTS__TICK_SECONDS": "1",
        "MCU_ALERTS__SMTP_PORT": str(smtp.port),
        "MCU_ALERTS__SMTP_USERNAME": "mcu",
        "MCU_ALERTS__SMTP_PASSWORD": keys.smtp,
        "MCU_ALERTS__TELEGRAM_BASE_URL": f"http://127.0.0.1:{bot_port}",
        "MCU_ALERTS__TELEGRAM_TOKEN_FILE": str(tmp_path / "bot_token"),
        "MCU_ALERTS__API_PORT": str(api_port),
        "MCU_ALERTS__API_TOKEN": keys.api,
    }
    worker = WorkerHandle(settings_from(env), env, tmp_path / "worker.log")
    logs.append(worker.log)
    try:
        worker.start()
        wait_for(lambda: _port_open(api_port), timeout=120, interval=0.2)
        tag = uuid.uuid4().hex[:6]
        text = (
            f"Я приду и подожгу вашу администрацию, если не дадите горячую воду!!! [{tag}] "
            "Звоните: +7 (912) 345-67-89, пишите ivanova.m@mail.ru"
        )
        raw = message(text, created_at=datetime.now(UTC).isoformat())
        source = tmp_path / "messages.jsonl"
        source.write_bytes(raw + b"\n")
        replay_out = tmp_path / "replay.out"
        logs.append(replay_out)
        _cli(["replay", str(source)], env, replay_out)

        def telegram() -> list[dict[str, Any]]:
            url = f"http://127.0.0.1:{bot_port}/_test/messages"
            found = json.loads(urllib.request.urlopen(url, timeout=5).read())["messages"]
            return [m for m in found if tag in m["text"]]

        wait_for(lambda: telegram() and [m for m in smtp.messages() if tag in m["text"]], 120)
        sent = telegram()[0]
        # Phones and e-mails are masked in what receivers read; the index keeps the original.
        assert "345-67" not in sent["text"] and "ivanova.m@" not in sent["text"]
        assert "i***@mail.ru" in sent["text"]
        search = worker.search
        doc_id = json.loads(raw)["id"]

        def indexed() -> list[dict[str, Any]]:
            search.refresh()
            return list(search.scan({"ids": {"values": [doc_id]}}))

        wait_for(indexed, timeout=60)
        assert "+7 (912) 345-67-89" in indexed()[0]["text"]

        # Бессонов (ЖКХ), a recipient, presses «Взять в работу» in his chat.
        wait_for(lambda: [m for m in telegram() if m["chat_id"] == 100004], timeout=60)
        chat = next(m for m in telegram() if m["chat_id"] == 100004)
        data = chat["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        alert_id = data.split(":", 1)[1]
        press = json.dumps(
            {"chat_id": 100004, "message_id": chat["message_id"], "data": data}
        ).encode()
        urllib.request.urlopen(
            urllib.request.Request(
                f"http://127.0.0.1:{bot_port}/_test/press",
                data=press,
                headers={"content-type": "application/json"},
            ),
            timeout=5,
        ).read()

        def acked_by() -> str | None:
            for alert in _api(api_port, keys.person, "alerts")["alerts"]:
                if alert["id"] == alert_id:
                    return str(alert.get("acked_by") or "") or None
            return None

        wait_for(acked_by, timeout=60)
        assert acked_by() == "bessonov"
        listed = _api(api_port, keys.person, "alerts")["alerts"]
        assert all("345-67" not in a["annotations"].get("text", "") for a in listed)
        # Романюк resolves it with a token of his own; the shared one works for scripts.
        resolved = _api(api_port, keys.person, f"alerts/{alert_id}/resolve", "POST")
        assert resolved["action"]["by"] == "romanyuk"
        assert _api(api_port, keys.api, "silences")["ok"]
        audit_out = tmp_path / "audit.out"
        logs.append(audit_out)
        trail = [
            json.loads(line)
            for line in _cli(["audit", "--json"], env, audit_out).splitlines()
            if line.strip()
        ]
        assert [(e["actor"], e["action"], e["source"]) for e in trail] == [
            ("bessonov", "ack", "telegram"),
            ("romanyuk", "resolve", "api"),
        ]
        assert {e["target"] for e in trail} == {alert_id}
    finally:
        worker.stop()
        bot.terminate()
        bot.wait(30)
        smtp.stop()
        if worker.proc is not None:
            drop_run(worker)
    captured = capfd.readouterr()
    texts = {str(path): path.read_text(encoding="utf-8", errors="replace") for path in logs}
    texts["captured stdout"], texts["captured stderr"] = captured.out, captured.err
    # The worker did log the Bot API calls (httpx at INFO), with the token masked.
    assert "HTTP Request: POST" in texts[str(worker.log)]
    assert "/bot***/sendMessage" in texts[str(worker.log)]
    for where, text in texts.items():
        for name, value in keys.all().items():
            assert value not in text, f"{name} appears in {where}"


def _port_open(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False
