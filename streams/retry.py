"""Retry while a server is down: work is delayed, never skipped."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 30.0


async def in_thread_until_done(what: str, fn: Callable[..., T], *args: Any) -> T:
    """Runs blocking `fn` off the event loop, retrying with backoff until it succeeds."""
    delay = 0.5
    while True:
        try:
            return await asyncio.to_thread(fn, *args)
        except Exception as exc:
            log.warning("%s failed (%s); retrying in %.1fs", what, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_DELAY_SECONDS)
