"""Runs the faust worker in this process: `mcu worker` and `python -m streams.worker`."""

from __future__ import annotations

import logging
import sys

from faust.worker import Worker

from alerts.errors import ConfigError
from streams.app import create_app
from streams.metrics import start_metrics_server
from streams.settings import Settings
from streams.topics import ensure_topics


def run(settings: Settings | None = None, loglevel: str = "INFO") -> None:
    settings = settings or Settings()
    logging.basicConfig(level=loglevel)
    ensure_topics(
        settings.kafka.bootstrap,
        settings.kafka.topics,
        settings.kafka.partitions,
        settings.kafka.replicas,
    )
    try:
        ctx = create_app(settings)
    except ConfigError as exc:
        # A bad rules/routes/roster file stops the worker, naming file, line and reason.
        print(f"Ошибка в конфигурации оповещений:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    start_metrics_server(
        ctx.metrics.registry, settings.worker.metrics_port, addr=settings.worker.metrics_addr
    )
    worker = Worker(ctx.app, loglevel=loglevel, quiet=True)
    worker.execute_from_commandline()


if __name__ == "__main__":
    run()
