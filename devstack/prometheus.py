"""Prometheus from Debian's package, scraping the workers' /metrics on loopback."""

from __future__ import annotations

import urllib.error
import urllib.request

from devstack.fetch import require
from devstack.layout import Layout
from devstack.process import Managed
from devstack.server import Server
from devstack.settings import DevstackSettings
from streams.settings import WorkerSettings


def config(worker: WorkerSettings, scrape_interval: str = "5s", connectors_port: int = 9109) -> str:
    return f"""global:
  scrape_interval: {scrape_interval}
  evaluation_interval: {scrape_interval}
scrape_configs:
  - job_name: mcu-connectors
    static_configs:
      - targets: ["127.0.0.1:{connectors_port}"]
  - job_name: mcu-worker
    static_configs:
      - targets: ["127.0.0.1:{worker.metrics_port}"]
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:{{port}}"]
"""


def prometheus_server(layout: Layout, cfg: DevstackSettings, worker: WorkerSettings) -> Server:
    process = Managed("prometheus", layout.run)
    conf = layout.conf / "prometheus"
    path = conf / "prometheus.yml"

    def start() -> None:
        binary = require("prometheus", "Установите пакет Debian: apt-get install prometheus.")
        conf.mkdir(parents=True, exist_ok=True)
        text = config(worker, connectors_port=cfg.connectors_metrics_port)
        path.write_text(text.replace("{port}", str(cfg.prometheus_port)))
        argv = [
            binary,
            f"--config.file={path}",
            f"--storage.tsdb.path={layout.data / 'prometheus'}",
            f"--web.listen-address=127.0.0.1:{cfg.prometheus_port}",
            "--web.enable-lifecycle",
        ]
        process.start(argv, marker=str(path))

    def ready() -> bool:
        try:
            url = f"http://127.0.0.1:{cfg.prometheus_port}/-/ready"
            with urllib.request.urlopen(url, timeout=2) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    return Server(
        name="prometheus",
        title="Prometheus",
        address=f"http://127.0.0.1:{cfg.prometheus_port}",
        process=process,
        start=start,
        ready=ready,
        timeout=60,
    )
