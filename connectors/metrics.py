"""Prometheus metrics of the connector processes (scraped as job `mcu-connectors`).

- mcu_connector_fetched_total {connector, source}: messages produced to mcu.messages.raw.
- mcu_connector_lag_seconds {connector}: now minus the creation time of the newest message seen.
- mcu_connector_api_errors_total {connector, code}: API errors by code (VK 6/9/29, HTTP 429, …).
- mcu_connector_last_poll_timestamp_seconds {connector}: Unix time of the last successful poll.
- mcu_connector_last_message_timestamp_seconds {connector}: Unix time a new message last came.
- mcu_connector_silence_threshold_seconds {connector}: the configured silence before the alert.
- mcu_connector_up {connector}: 1 while the connector runs, 0 after it stopped on an error.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge

CONNECTORS = ("vk", "ok", "telegram", "telethon", "max", "imap", "form", "pos")


class ConnectorMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        r = registry
        self.registry = registry
        self.fetched = Counter(
            "mcu_connector_fetched", "Получено из источника", ["connector", "source"], registry=r
        )
        self.lag = Gauge(
            "mcu_connector_lag_seconds", "Отставание от источника, с", ["connector"], registry=r
        )
        self.api_errors = Counter(
            "mcu_connector_api_errors", "Ошибки API источника", ["connector", "code"], registry=r
        )
        self.last_poll = Gauge(
            "mcu_connector_last_poll_timestamp_seconds",
            "Последний успешный опрос",
            ["connector"],
            registry=r,
        )
        self.last_message = Gauge(
            "mcu_connector_last_message_timestamp_seconds",
            "Последнее новое сообщение",
            ["connector"],
            registry=r,
        )
        self.silence = Gauge(
            "mcu_connector_silence_threshold_seconds",
            "Допустимое молчание источника, с",
            ["connector"],
            registry=r,
        )
        self.up = Gauge("mcu_connector_up", "Коннектор работает", ["connector"], registry=r)

    def start(self, connector: str, silence_seconds: float) -> None:
        """Series at zero from the start; «last message» counts from the start of the process."""
        now = time.time()
        self.up.labels(connector=connector).set(1)
        self.silence.labels(connector=connector).set(silence_seconds)
        self.last_message.labels(connector=connector).set(now)
        self.lag.labels(connector=connector).set(0)
        self.api_errors.labels(connector=connector, code="transient")

    def polled(self, connector: str) -> None:
        self.last_poll.labels(connector=connector).set(time.time())

    def produced(self, connector: str, source: str, count: int, newest: float | None) -> None:
        if count:
            self.fetched.labels(connector=connector, source=source).inc(count)
            self.last_message.labels(connector=connector).set(time.time())
        if newest is not None:
            self.lag.labels(connector=connector).set(max(0.0, time.time() - newest))

    def error(self, connector: str, code: str) -> None:
        self.api_errors.labels(connector=connector, code=code).inc()
