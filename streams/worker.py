"""Runs the faust worker in this process: `mcu worker` and `python -m streams.worker`."""

from __future__ import annotations

import logging
import sys
import time

from faust.worker import Worker
from kafka.errors import KafkaError

from alerts.errors import ConfigError
from streams import redact
from streams.alerting.api import exposure_problem
from streams.app import create_app
from streams.metrics import start_metrics_server
from streams.settings import Settings
from streams.topics import ensure_topics, partition_mismatches

log = logging.getLogger(__name__)


def run(settings: Settings | None = None, loglevel: str = "INFO") -> None:
    settings = settings or Settings()
    redact.install(redact.secrets_of(settings))
    logging.basicConfig(level=loglevel)
    problem = exposure_problem(settings.alerts)
    if problem is not None:
        print(f"Обработчик не запущен: {problem}", file=sys.stderr)
        raise SystemExit(2)
    try:
        ctx = create_app(settings)
    except ConfigError as exc:
        # A bad rules/routes/roster file stops the worker, naming file, line and reason.
        print(f"Ошибка в конфигурации оповещений:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    problem = wait_for_topics(settings)
    if problem is not None:
        print(f"Обработчик не запущен: {problem}", file=sys.stderr)
        raise SystemExit(2)
    start_metrics_server(
        ctx.metrics.registry, settings.worker.metrics_port, addr=settings.worker.metrics_addr
    )
    worker = Worker(ctx.app, loglevel=loglevel, quiet=True)
    worker.execute_from_commandline()


def partitions_problem(settings: Settings) -> str | None:
    """What is wrong with the partition counts of the existing topics, in Russian; None: fine."""
    kafka = settings.kafka
    wrong = partition_mismatches(
        kafka.bootstrap,
        kafka.topics,
        settings.worker.app_id,
        kafka.partitions,
        kafka.client_options(),
    )
    if not wrong:
        return None
    listed = "\n".join(f"  {name}: {count}" for name, count in wrong.items())
    return (
        f"у тем Kafka другое число разделов, чем MCU_KAFKA__PARTITIONS={kafka.partitions}:\n"
        f"{listed}\n"
        "Темы конвейера и журналы таблиц (…-changelog) должны иметь одно число разделов, иначе "
        "инциденты и оповещения не собрать. Верните прежнее значение MCU_KAFKA__PARTITIONS или "
        "пересоздайте эти темы (состояние оповещений из журналов тогда начнётся заново)."
    )


def wait_for_topics(settings: Settings) -> str | None:
    """Creates the topics, waiting for the broker while it is down (retried, not skipped);
    returns what is wrong with the existing ones (see `partitions_problem`)."""
    kafka = settings.kafka
    delay = 1.0
    while True:
        try:
            ensure_topics(
                kafka.bootstrap,
                kafka.topics,
                kafka.partitions,
                kafka.replicas,
                kafka.client_options(),
            )
            return partitions_problem(settings)
        except KafkaError as exc:
            log.warning(
                "Kafka %s недоступна (%s), повтор через %.0f с", kafka.bootstrap, exc, delay
            )
            time.sleep(delay)
            delay = min(delay * 2, 30.0)


if __name__ == "__main__":
    run()
