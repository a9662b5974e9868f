"""Runs connectors in one process, each in its own task and failure domain."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence

from prometheus_client import CollectorRegistry

from connectors import redact
from connectors.base import Context
from connectors.errors import AuthFailed, ConfigMissing
from connectors.kafka import Sink, ensure_cursor_topic
from connectors.metrics import ConnectorMetrics
from connectors.registry import build
from connectors.settings import ConnectorSettings
from streams.metrics import start_metrics_server
from streams.topics import ensure_topics

log = logging.getLogger("mcu.connectors")


def cursor_topic(settings: ConnectorSettings) -> str:
    return f"{settings.kafka.topic_prefix}{settings.connectors.cursor_topic}"


def silence_seconds(settings: ConnectorSettings, name: str) -> float:
    source = getattr(settings.connectors, name, None)
    hours = getattr(source, "silence_hours", 24.0)
    return float(hours) * 3600


async def run_one(ctx: Context) -> str | None:
    """Runs a connector until it ends; returns the Russian reason when it stopped on an error."""
    ctx.metrics.start(ctx.name, silence_seconds(ctx.settings, ctx.name))
    try:
        connector = build(ctx.name, ctx.settings)
        await connector.run(ctx)
        return None
    except (AuthFailed, ConfigMissing) as exc:
        reason = f"Коннектор {ctx.name} остановлен: {exc}"
        log.error("%s", reason)
        ctx.metrics.error(ctx.name, exc.code)
        return reason
    except Exception as exc:  # a bug in one connector must not stop the others
        reason = f"Коннектор {ctx.name} остановлен из-за ошибки: {type(exc).__name__}: {exc}"
        log.exception("%s", reason)
        ctx.metrics.error(ctx.name, "crash")
        return reason
    finally:
        ctx.metrics.up.labels(connector=ctx.name).set(0)


async def serve(
    settings: ConnectorSettings, names: Sequence[str], metrics_port: int | None = None
) -> list[str]:
    """Runs `names` until SIGTERM/SIGINT or until all have stopped; returns their failures."""
    cfg = settings.connectors
    redact.install(redact.secrets_of(settings))
    kafka = settings.kafka
    options = kafka.client_options()
    ensure_topics(kafka.bootstrap, kafka.topics, kafka.partitions, options=options)
    ensure_cursor_topic(kafka.bootstrap, cursor_topic(settings), kafka.replicas, options)
    registry = CollectorRegistry()
    metrics = ConnectorMetrics(registry)
    port = cfg.metrics_port if metrics_port is None else metrics_port
    server = start_metrics_server(registry, port, cfg.metrics_addr)
    sink = Sink(kafka.bootstrap, kafka.topics.raw, cursor_topic(settings), options)
    await sink.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    contexts = [Context(name, settings, sink, metrics, stop) for name in names]
    try:
        results = await asyncio.gather(*(run_one(ctx) for ctx in contexts))
    finally:
        await sink.stop()
        server.shutdown()
    return [r for r in results if r]
