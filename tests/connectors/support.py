"""Helpers for connector tests on the real local Kafka: a connector process, topic read-back."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectors.kafka import read_all

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        return True
    except OSError:
        return False


def wait_for(predicate: Callable[[], Any], timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"не дождались за {timeout:.0f} с: {what}")


def http(
    url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def read_topic(bootstrap: str, topic: str) -> list[tuple[bytes | None, bytes]]:
    return [(k, v) for k, v in read_all(bootstrap, topic) if v is not None]


@dataclass
class Run:
    """One test's topics and a connector process that can be killed -9 and restarted."""

    bootstrap: str
    tmp: Path
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    metrics_port: int = 0

    @classmethod
    def new(cls, bootstrap: str, tmp: Path, **env: str) -> Run:
        prefix = f"test-conn-{uuid.uuid4().hex[:8]}."
        port = free_port()
        base = {
            "MCU_KAFKA__BOOTSTRAP": bootstrap,
            "MCU_KAFKA__TOPIC_PREFIX": prefix,
            "MCU_KAFKA__PARTITIONS": "2",
            "MCU_CONNECTORS__METRICS_PORT": str(port),
        }
        return cls(bootstrap, tmp, {**base, **env}, metrics_port=port)

    @property
    def prefix(self) -> str:
        return self.env["MCU_KAFKA__TOPIC_PREFIX"]

    @property
    def log(self) -> Path:
        return self.tmp / "connector.log"

    def start(self, *argv: str) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", *argv],
            env={**os.environ, **self.env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

    def wait_metrics(self) -> None:
        def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()[-3000:]
            return listening(self.metrics_port)

        wait_for(up, 60, "порт метрик коннектора")

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        return int(self.proc.returncode)

    def wait_exit(self, timeout: float = 60) -> int:
        assert self.proc is not None
        return int(self.proc.wait(timeout))

    def messages(self) -> list[dict[str, Any]]:
        raw = read_topic(self.bootstrap, f"{self.prefix}mcu.messages.raw")
        return [json.loads(v) for _, v in raw]

    def records(self) -> list[tuple[bytes | None, bytes]]:
        return read_topic(self.bootstrap, f"{self.prefix}mcu.messages.raw")

    def cursors(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in read_topic(self.bootstrap, f"{self.prefix}mcu.connectors.cursors"):
            assert key is not None
            out[key.decode()] = json.loads(value)
        return out

    def ids(self) -> set[str]:
        return {m["id"] for m in self.messages()}

    def wait_ids(self, expected: set[str], timeout: float = 90) -> list[dict[str, Any]]:
        def have() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"коннектор завершился:\n{self.log.read_text()[-3000:]}")
            return expected <= self.ids()

        wait_for(have, timeout, f"сообщения {sorted(expected - self.ids())}")
        return self.messages()

    def metric(self, name: str, **labels: str) -> float:
        from prometheus_client.parser import text_string_to_metric_families

        text = (
            urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5)
            .read()
            .decode()
        )
        total = 0.0
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    total += sample.value
        return total
