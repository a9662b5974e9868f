"""Shared helpers for thin aiohttp API clients: status codes to connector errors."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping

import aiohttp
from aiohttp import web

from connectors.errors import RateLimited, Transient


def retry_after(headers: Mapping[str, str] | None, default: float) -> float:
    """Seconds from a Retry-After header (delta-seconds form), else `default`."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(float(value), 0.0) if value is not None else default
    except ValueError:
        return default


def check_status(resp: aiohttp.ClientResponse, api: str) -> None:
    """429 → RateLimited (Retry-After honoured); 5xx → Transient."""
    if resp.status == 429:
        raise RateLimited(f"{api}: HTTP 429", retry_after(resp.headers, 1.0), code="429")
    if resp.status >= 500:
        raise Transient(f"{api}: HTTP {resp.status}", code=str(resp.status))


def network(api: str, exc: BaseException) -> Transient:
    return Transient(f"{api}: сеть недоступна ({type(exc).__name__})", code="network")


TIMEOUT = aiohttp.ClientTimeout(total=90, sock_connect=10)
HEARTBEAT = 15.0


async def serve_until_stopped(
    stop: asyncio.Event,
    app: web.Application,
    host: str,
    port: int,
    alive: Callable[[], None] = lambda: None,
) -> None:
    """Serves an endpoint (webhook, Callback API, site form) until the connector stops;
    `alive` is called every few seconds while it listens (the «last poll» of a server)."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    try:
        while not stop.is_set():
            alive()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), HEARTBEAT)
    finally:
        await runner.cleanup()
