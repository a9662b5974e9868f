"""Session fixtures on the real servers: the devstack, a worker with its own topics and index."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from devstack import stack
from devstack.settings import DevstackSettings, StackSettings
from streams.search import SearchEngine, connect
from streams.settings import Settings, WorkerSettings
from streams.topics import ensure_topics, kafka_admin

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def devstack() -> StackSettings:
    """The local stack (started if needed and left running: `up` is idempotent)."""
    settings = StackSettings()
    stack.up(settings, say=lambda _: None)
    return settings


def private_stack(tmp: Path) -> StackSettings:
    """Another stack on free ports in a folder of its own: for tests that stop its servers."""
    cfg = DevstackSettings(
        dir=tmp / "devstack",
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        opensearch_port=free_port(),
        opensearch_transport_port=free_port(),
        prometheus_port=free_port(),
        smtp_port=free_port(),
        botapi_port=free_port(),
        imap_port=free_port(),
        vk_port=free_port(),
        ok_port=free_port(),
        form_port=free_port(),
        connectors_metrics_port=free_port(),
        opensearch_heap="384m",
        kafka_heap="256m",
    )
    # The jars are already fetched for the main stack: share them instead of fetching again.
    main_lib = StackSettings().devstack.dir.resolve() / "lib"
    cfg.dir.mkdir(parents=True)
    (cfg.dir / "lib").symlink_to(main_lib)
    return StackSettings(devstack=cfg, worker=WorkerSettings(metrics_port=free_port()))


def stack_env(settings: StackSettings) -> dict[str, str]:
    """What a worker needs to use that stack's Kafka and OpenSearch."""
    cfg = settings.devstack
    return {
        "MCU_KAFKA__BOOTSTRAP": f"127.0.0.1:{cfg.kafka_port}",
        "MCU_SEARCH__URL": f"http://127.0.0.1:{cfg.opensearch_port}",
    }


@dataclass
class WorkerHandle:
    settings: Settings
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.worker"],
            env={**os.environ, **self.env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker died:\n{self.log.read_text()[-3000:]}")
            try:
                socket.create_connection(
                    ("127.0.0.1", self.settings.worker.metrics_port), 1
                ).close()
                return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("worker did not open its metrics port")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)

    @property
    def search(self) -> SearchEngine:
        return connect(self.settings.search)

    def publish(self, records: list[bytes]) -> int:
        from streams.replay import publish

        return publish(self.settings.kafka.bootstrap, records, self.settings.kafka.topics.raw)


def worker_env(tmp: Path, run_id: str) -> dict[str, str]:
    return {
        "MCU_KAFKA__TOPIC_PREFIX": f"test-{run_id}.",
        "MCU_SEARCH__INDEX_PREFIX": f"mcu-test-{run_id}",
        "MCU_WORKER__APP_ID": f"mcu-test-{run_id}",
        "MCU_WORKER__WEB_PORT": str(free_port()),
        "MCU_WORKER__METRICS_PORT": str(free_port()),
        "MCU_WORKER__DATA_DIR": str(tmp / "worker-data"),
    }


def settings_from(env: dict[str, str]) -> Settings:
    """Settings as the worker process will read them from `env`."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return Settings()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def start_worker(tmp: Path, extra: dict[str, str] | None = None) -> WorkerHandle:
    run_id = uuid.uuid4().hex[:8]
    env = {**worker_env(tmp, run_id), **(extra or {})}
    settings = settings_from(env)
    ensure_topics(settings.kafka.bootstrap, settings.kafka.topics, settings.kafka.partitions)
    handle = WorkerHandle(settings, env, tmp / "worker.log")
    handle.start()
    return handle


def twin_worker(first: WorkerHandle, tmp: Path, api: int | None = None) -> WorkerHandle:
    """A second worker of the same deployment: same topics, index, group and journal."""
    env = dict(first.env)
    env.update(
        {
            "MCU_WORKER__WEB_PORT": str(free_port()),
            "MCU_WORKER__METRICS_PORT": str(free_port()),
            "MCU_WORKER__DATA_DIR": str(tmp / "worker-2"),
            "MCU_ALERTS__API_PORT": str(api or free_port()),
        }
    )
    handle = WorkerHandle(settings_from(env), env, tmp / "worker-2.log")
    handle.start()
    return handle


def drop_run(handle: WorkerHandle) -> None:
    """Deletes the run's indices and its Kafka topics (its own and its tables' changelogs).

    Left behind, a full suite's topics pile up to thousands of partitions on the one broker,
    and every later test runs slower for them."""
    from streams.search.incidents import incidents_index

    search = handle.search
    search.client.indices.delete(index=search.index_pattern, allow_no_indices=True)
    incidents = incidents_index(handle.settings.search.index_prefix)
    search.client.indices.delete(index=incidents, ignore_unavailable=True)
    search.client.indices.delete_index_template(
        name=handle.settings.search.index_prefix, ignore=[404]
    )
    # Only a run's own names: the shared stack's default topics are never touched.
    prefixes = tuple(
        prefix
        for prefix, default in (
            (handle.settings.kafka.topic_prefix, ""),
            (f"{handle.settings.worker.app_id}-", "mcu-monitor-"),
        )
        if prefix != default
    )
    try:
        drop_topics(handle.settings, prefixes)
    except Exception as exc:  # clean-up only: the test's verdict is already made
        warnings.warn(f"the run's topics were not deleted: {exc}", stacklevel=2)


def drop_topics(settings: Settings, prefixes: tuple[str, ...]) -> None:
    """Deletes the topics whose names start with one of `prefixes` (none: nothing)."""
    if not prefixes:
        return
    kafka = settings.kafka
    with kafka_admin(kafka.bootstrap, kafka.client_options()) as admin:
        mine = [t for t in admin.list_topics() if t.startswith(prefixes)]
        if mine:
            admin.delete_topics(mine, timeout_ms=60_000)


def unheard_alerts() -> dict[str, str]:
    """Alerts go to ports nobody listens on: the pipeline tests don't look at them."""
    return {
        "MCU_ALERTS__SMTP_PORT": str(free_port()),
        "MCU_ALERTS__TELEGRAM_BASE_URL": f"http://127.0.0.1:{free_port()}",
        "MCU_ALERTS__TELEGRAM_POLL": "false",
        "MCU_ALERTS__API_PORT": str(free_port()),
    }


@pytest.fixture(scope="session")
def worker(devstack: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerHandle]:
    """One worker for the session, on topics and an index of its own."""
    tmp = tmp_path_factory.mktemp("worker")
    handle = start_worker(tmp, {**unheard_alerts(), "MCU_WORKER__RATINGS_SECONDS": "3"})
    yield handle
    handle.stop()
    drop_run(handle)


LOCAL = ZoneInfo("Asia/Yekaterinburg")


def ago(now: datetime | None = None, **delta: float) -> str:
    """An ISO time `delta` before `now` (the real clock by default), with the local offset."""
    moment = (now or datetime.now(UTC)) - timedelta(**delta)
    return moment.astimezone(LOCAL).isoformat(timespec="seconds")


def message(text: str, **fields: object) -> bytes:
    """A raw message line as a source would send it, written an hour ago."""
    body: dict[str, object] = {
        "id": f"test:{uuid.uuid4().hex}",
        "source": "vk",
        "kind": "post",
        "created_at": ago(hours=1),
        "author": {"id": "u1", "name": "Житель", "is_official": False},
        "text": text,
    }
    body.update(fields)
    return json.dumps(body, ensure_ascii=False).encode()


def wait_for(predicate: object, timeout: float = 120.0, interval: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout:.0f}s")


class LocalServer:
    """`python -m devstack.<module>` on a port, its JSON lines in a file."""

    def __init__(self, module: str, port: int, out: Path) -> None:
        self.module, self.port, self.out = module, port, out
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [sys.executable, "-m", self.module, "--port", str(self.port), "--out", str(self.out)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), timeout=30, interval=0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def lines(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False
