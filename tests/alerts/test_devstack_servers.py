"""The local SMTP and Bot API servers started the way `mcu devstack up` starts them."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from alertkit import ROOT, free_port


def _start(module: str, port: int, out: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "--port", str(port), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"{module} did not start: {proc.communicate()[0].decode()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def smtp(tmp_path: Path):
    port, out = free_port(), tmp_path / "smtp.jsonl"
    proc = _start("devstack.smtp_sink", port, out)
    yield port, out
    _stop(proc)
    assert proc.returncode == 0


def test_smtp_sink_writes_json_lines(smtp: tuple[int, Path]) -> None:
    port, out = smtp
    mail = EmailMessage()
    mail["From"] = "mcu@kamyshlov.example"
    mail["To"] = "sentsova@kamyshlov.example"
    mail["Subject"] = "[МЦУ] Проверка связи"
    mail.set_content("Тестовое письмо: оповещения МЦУ доходят.")
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
        client.send_message(mail)
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["subject"] == "[МЦУ] Проверка связи"
    assert record["rcpt_tos"] == ["sentsova@kamyshlov.example"]
    assert record["text"].strip() == "Тестовое письмо: оповещения МЦУ доходят."


def test_botapi_process(tmp_path: Path) -> None:
    port, out = free_port(), tmp_path / "bot.jsonl"
    proc = _start("devstack.botapi", port, out)
    try:
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/bot1:T/getMe").json()["result"]["is_bot"] is True
        sent = httpx.post(
            f"{base}/bot1:T/sendMessage",
            json={
                "chat_id": 100002,
                "text": "<b>Проверка</b>",
                "parse_mode": "HTML",
                "reply_markup": {
                    "inline_keyboard": [[{"text": "Взять в работу", "callback_data": "ack:abc"}]]
                },
            },
        ).json()
        message_id = sent["result"]["message_id"]
        pressed = httpx.post(
            f"{base}/_test/press",
            json={"chat_id": 100002, "message_id": message_id, "data": "ack:abc"},
        )
        assert pressed.status_code == 200
        # A button that is not on the message cannot be pressed.
        assert (
            httpx.post(
                f"{base}/_test/press",
                json={"chat_id": 100002, "message_id": message_id, "data": "res:abc"},
            ).status_code
            == 400
        )
        updates = httpx.post(f"{base}/bot1:T/getUpdates", json={"timeout": 1}).json()["result"]
        assert [u["callback_query"]["data"] for u in updates] == ["ack:abc"]
        events = [
            json.loads(line)["event"] for line in out.read_text(encoding="utf-8").splitlines()
        ]
        assert events == ["sendMessage", "press"]
    finally:
        _stop(proc)
    assert os.path.exists(out)
