"""A real Prometheus (Debian's package) for the dashboard tests, and the dashboards' queries."""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
ROOT = Path(__file__).resolve().parents[2]


def load_module(path: Path) -> Any:
    """Imports a script that is not in a package (grafana/build.py, kibana/build.py)."""
    spec = importlib.util.spec_from_file_location(f"mcu_{path.parent.name}_build", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GRAFANA = load_module(ROOT / "grafana" / "build.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api(base: str, path: str, **params: str) -> dict[str, Any]:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return dict(json.load(resp))
    except urllib.error.HTTPError as err:
        return dict(json.load(err))


def scrapes(base: str, job: str) -> int:
    """How many times Prometheus has scraped the job in the last minute."""
    try:
        resp = api(base, "/api/v1/query", query=f'count_over_time(up{{job="{job}"}}[1m])')
    except OSError:
        return 0
    result = resp.get("data", {}).get("result", [])
    return int(float(result[0]["value"][1])) if result else 0


@contextmanager
def prometheus(target_port: int, home: Path, job: str = "mcu-worker") -> Iterator[str]:
    """Prometheus scraping 127.0.0.1:target_port every second; yields its base URL."""
    port = free_port()
    config = home / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        f"scrape_configs:\n  - job_name: {job}\n    static_configs:\n"
        f"      - targets: ['127.0.0.1:{target_port}']\n"
    )
    log_path = home / "prometheus.log"
    with log_path.open("w") as log:
        argv = [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ]
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_scrapes(base, job, 3, proc, log_path)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def wait_scrapes(base: str, job: str, count: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Prometheus завершился:\n{log.read_text()[-2000:]}")
        if scrapes(base, job) >= count:
            return
        time.sleep(0.5)
    raise TimeoutError(f"Prometheus не собрал {count} раз метрики {job} за 60 с")


def panel_queries() -> list[tuple[str, str, str, str]]:
    """(dashboard title, panel title, refId, expr) of every committed dashboard."""
    out = []
    for path in sorted((ROOT / "grafana" / "dashboards").glob("*.json")):
        board = json.loads(path.read_text(encoding="utf-8"))
        out += [(board["title"], *q) for q in GRAFANA.queries(board)]
    return out


def evaluate(base: str, expr: str, *, rate_interval: str, range_: str) -> tuple[str, list[float]]:
    """Runs the panel's expr as an instant query; (error or "", values)."""
    query = GRAFANA.expand(expr, rate_interval=rate_interval, range_=range_)
    resp = api(base, "/api/v1/query", query=query)
    if resp.get("status") != "success":
        return str(resp.get("error")), []
    return "", [float(r["value"][1]) for r in resp["data"]["result"]]


def has_data(values: list[float]) -> bool:
    return any(math.isfinite(v) for v in values)
