"""What every connector has: a Protocol, the context it runs in, retries and rate limits."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar
from zoneinfo import ZoneInfo

from aiokafka.errors import KafkaError

from connectors.errors import AuthFailed, ConfigMissing, RateLimited, Transient
from connectors.kafka import Sink
from connectors.message import Wire
from connectors.metrics import ConnectorMetrics
from connectors.settings import ConnectorSettings

T = TypeVar("T")
log = logging.getLogger("mcu.connectors")
MAX_BACKOFF = 60.0


@dataclass
class Context:
    """One connector's view of the shared process: its sink, metrics and settings."""

    name: str
    settings: ConnectorSettings
    sink: Sink
    metrics: ConnectorMetrics
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.connectors.timezone)

    def cursor(self, scope: str, default: Any = None) -> Any:
        return self.sink.cursor(self.name, scope, default)

    async def emit(self, messages: Sequence[Wire], cursors: dict[str, Any] | None = None) -> None:
        """Produces (acks=all), then moves the cursors, then counts; waits out a Kafka outage."""
        delay = 1.0
        while True:
            try:
                await self.sink.emit(self.name, messages, cursors)
                break
            except KafkaError as exc:
                # Nothing moved yet: sending the batch again gives the same ids and keys.
                self.metrics.error(self.name, "kafka")
                log.warning("%s: Kafka недоступна (%s), повтор через %.0f с", self.name, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
        by_source: dict[str, int] = {}
        for m in messages:
            by_source[m.source] = by_source.get(m.source, 0) + 1
        newest = max((m.created_at.timestamp() for m in messages), default=None)
        for source, count in by_source.items():
            self.metrics.produced(self.name, source, count, newest)

    async def sleep(self, seconds: float) -> bool:
        """Sleeps unless asked to stop; True when stopping."""
        try:
            await asyncio.wait_for(self.stop.wait(), timeout=max(seconds, 0.0))
        except TimeoutError:
            return False
        return True

    async def retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """Calls until it succeeds: rate limits wait as asked, transient errors back off.

        AuthFailed and ConfigMissing go up: they stop this connector."""
        delay = 1.0
        while True:
            try:
                return await call()
            except RateLimited as exc:
                self.metrics.error(self.name, exc.code)
                log.warning(
                    "%s: ограничение частоты (%s), жду %.1f с", self.name, exc, exc.retry_after
                )
                await asyncio.sleep(max(exc.retry_after, 0.05))
            except Transient as exc:
                self.metrics.error(self.name, exc.code)
                log.warning("%s: временная ошибка (%s), повтор через %.1f с", self.name, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
            except (AuthFailed, ConfigMissing):
                raise


class Throttle:
    """At most `rate` calls per second, spaced evenly (VK: 3/s user token, 20/s community)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval

    def slow_down(self, factor: float = 2.0, ceiling: float = 5.0) -> None:
        """After a rate-limit error: space calls wider (up to `ceiling` seconds apart)."""
        self.interval = min(self.interval * factor, ceiling)


class Connector(Protocol):
    """A source: `run` loops fetch → normalise → ctx.emit (produce, then move the cursor)."""

    name: ClassVar[str]
    source: ClassVar[str]

    async def run(self, ctx: Context) -> None: ...


async def poll_forever(ctx: Context, seconds: float, once: Callable[[], Awaitable[None]]) -> None:
    """Runs `once` (with retries) every `seconds` until stopped; stamps the last good poll."""
    while not ctx.stop.is_set():
        await ctx.retrying(once)
        ctx.metrics.polled(ctx.name)
        if await ctx.sleep(seconds):
            return
