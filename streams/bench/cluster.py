"""Workers, a private SMTP server and Bot API for one bench run, on its own topics and index."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from streams.settings import Settings

ROUTES = """
route:
  receiver: mcu
  group_by: [kind, department]
  group_wait: 1s
  group_interval: 1m
  repeat_interval: 4h
  routes:
    - matchers: ['severity="critical"']
      receiver: $department
      continue: true
    - receiver: mcu
inhibit_rules:
  - source_matchers: ['kind="spike"']
    target_matchers: ['kind="conflict"']
    source_contains_target: true
"""


# One BLAS/OpenMP thread per process: two workers on two cores do not fight over them, and
# the bare tagger is measured the same way.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def process_tree(pid: int) -> list[int]:
    """The process and its descendants, from /proc (empty once it is gone)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return found


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return True
    except OSError:
        return False


def wait(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.3)
    raise TimeoutError(f"не дождались: {what}")


def rules_for(worker_root: Path, backfill_after: str, own_pages: list[str]) -> str:
    """The worker's own shipped rules (an older worker keeps its format), bench settings in."""
    text = (worker_root / "alerts" / "examples" / "rules.yaml").read_text(encoding="utf-8")
    text = text.replace("backfill_after: 24h", f"backfill_after: {backfill_after}")
    return text.replace("own_pages: []", f"own_pages: {json.dumps(own_pages)}")


@dataclass
class Cluster:
    """`count` workers sharing one run's topics, index, journal and notification servers."""

    root: Path
    worker_root: Path
    base: Settings
    backfill_after: str = "400d"
    alerts: bool = True
    own_pages: list[str] = field(default_factory=list)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    # The run's own API token (long, random: a worker refuses short or devstack tokens).
    api_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    api_ports: list[int] = field(default_factory=list)
    metrics_ports: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.dir = self.root / self.run_id
        self.dir.mkdir(parents=True, exist_ok=True)
        self.smtp_port, self.bot_port = free_port(), free_port()
        self.smtp_out = self.dir / "smtp.jsonl"
        self.bot_out = self.dir / "botapi.jsonl"
        (self.dir / "rules.yaml").write_text(
            rules_for(self.worker_root, self.backfill_after, self.own_pages), encoding="utf-8"
        )
        (self.dir / "routes.yaml").write_text(ROUTES, encoding="utf-8")

    @property
    def prefix(self) -> str:
        return f"bench-{self.run_id}."

    @property
    def index_prefix(self) -> str:
        return f"mcu-bench-{self.run_id}"

    @property
    def app_id(self) -> str:
        return f"mcu-bench-{self.run_id}"

    def env(self, n: int) -> dict[str, str]:
        api, metrics = free_port(), free_port()
        self.api_ports.append(api)
        self.metrics_ports.append(metrics)
        files = [
            str(self.dir / "rules.yaml"),
            str(self.dir / "routes.yaml"),
            str(self.worker_root / "alerts" / "examples" / "roster.yaml"),
        ]
        return {
            "PYTHONPATH": str(self.worker_root),
            "MCU_KAFKA__BOOTSTRAP": self.base.kafka.bootstrap,
            "MCU_KAFKA__PARTITIONS": str(self.base.kafka.partitions),
            "MCU_KAFKA__TOPIC_PREFIX": self.prefix,
            "MCU_SEARCH__URL": self.base.search.url,
            "MCU_SEARCH__INDEX_PREFIX": self.index_prefix,
            "MCU_WORKER__APP_ID": self.app_id,
            "MCU_WORKER__WEB_PORT": str(free_port()),
            "MCU_WORKER__METRICS_PORT": str(metrics),
            "MCU_WORKER__DATA_DIR": str(self.dir / f"worker{n}"),
            "MCU_ALERTS__ENABLED": str(self.alerts).lower(),
            "MCU_ALERTS__CONFIG_FILES": json.dumps(files),
            "MCU_ALERTS__TICK_SECONDS": "1",
            "MCU_ALERTS__SMTP_PORT": str(self.smtp_port),
            "MCU_ALERTS__TELEGRAM_BASE_URL": f"http://127.0.0.1:{self.bot_port}",
            "MCU_ALERTS__TELEGRAM_TOKEN": "123456:bench-bot-token",
            "MCU_ALERTS__API_PORT": str(api),
            "MCU_ALERTS__API_TOKEN": self.api_token,
            "MCU_ALERTS__JOURNAL_DIR": str(self.dir / "journal"),
            **ONE_THREAD,
        }

    def start_servers(self) -> None:
        for module, port, out in (
            ("devstack.smtp_sink", self.smtp_port, self.smtp_out),
            ("devstack.botapi", self.bot_port, self.bot_out),
        ):
            argv = [sys.executable, "-m", module, "--port", str(port), "--out", str(out)]
            self.servers.append(
                subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
            wait(lambda p=port: port_open(p), 30, f"{module} на порту {port}")

    def start_workers(self, count: int) -> None:
        from streams.topics import TopicNames, ensure_topics

        kafka = self.base.kafka
        ensure_topics(kafka.bootstrap, TopicNames(self.prefix), kafka.partitions)
        for n in range(count):
            env = {**os.environ, **self.env(n)}
            log = (self.dir / f"worker{n}.log").open("ab")
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "streams.worker"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.worker_root,
                )
            )
        for n, port in enumerate(self.metrics_ports):
            wait(lambda p=port: port_open(p), 180, f"обработчик {n}")

    def peak_rss_mib(self) -> list[float]:
        """Per live worker, VmHWM (peak resident memory) summed over it and its children (the
        tagger process): an upper bound of what the worker holds at its peak."""
        peaks = []
        for proc in self.procs:
            total, seen = 0.0, False
            for pid in process_tree(proc.pid):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1]) / 1024
                        seen = True
            if seen:
                peaks.append(total)
        return peaks

    def cpu_seconds(self) -> float:
        """User + system CPU time the live workers and their children have used so far."""
        total = 0.0
        for proc in self.procs:
            for pid in process_tree(proc.pid):
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                # utime, stime, and the same for children already waited for.
                ticks = sum(int(fields[n]) for n in (11, 12, 13, 14))
                total += ticks / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self, drop: bool = True) -> None:
        for proc in [*self.procs, *self.servers]:
            if proc.poll() is None:
                proc.terminate()
        for proc in [*self.procs, *self.servers]:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(30)
        if drop:
            self.drop()

    def drop(self) -> None:
        """Deletes the run's index and topics; keeps the logs."""
        from kafka import KafkaAdminClient

        from streams.search import connect

        search = connect(self.base.search.model_copy(update={"index_prefix": self.index_prefix}))
        search.client.indices.delete(index=f"{self.index_prefix}*", allow_no_indices=True)
        admin = KafkaAdminClient(bootstrap_servers=self.base.kafka.bootstrap)
        try:
            mine = [t for t in admin.list_topics() if t.startswith((self.prefix, self.app_id))]
            if mine:
                admin.delete_topics(mine)
        finally:
            admin.close()
        shutil.rmtree(self.dir / "journal", ignore_errors=True)
