"""Retry what is transient (a server down, busy or blocked); anything else is raised at once.

A bug retried forever is a silent stall, so only transport failures wait and try again; the
caller dead-letters the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 30.0
# HTTP statuses of a server that is alive but cannot take the request now.
TRANSIENT_STATUSES = frozenset({408, 429, 502, 503, 504})
# Error types a search engine returns for a whole request or a bulk item that will pass later.
TRANSIENT_TYPES = frozenset(
    {
        "cluster_block_exception",  # read-only / flood-stage block, lifted by an operator
        "es_rejected_execution_exception",  # write queue full (429)
        "rejected_execution_exception",
        "unavailable_shards_exception",
        "circuit_breaking_exception",
        "no_shard_available_action_exception",
        "process_cluster_event_timeout_exception",
    }
)


def _status(exc: BaseException) -> int | None:
    for attr in ("status_code", "status"):
        value = getattr(exc, attr, None)
        if isinstance(value, int):
            return value
    meta = getattr(exc, "meta", None)
    value = getattr(meta, "status", None)
    return value if isinstance(value, int) else None


def is_transient(exc: BaseException) -> bool:
    """True for connection and timeout errors, 429/5xx and blocks of the search engine."""
    from elastic_transport import ConnectionError as EsConnectionError
    from elastic_transport import ConnectionTimeout as EsTimeout
    from opensearchpy.exceptions import ConnectionError as OsConnectionError

    # opensearch-py's ConnectionTimeout is a subclass of its ConnectionError.
    if isinstance(exc, ConnectionError | TimeoutError | OsConnectionError):
        return True
    if isinstance(exc, EsConnectionError | EsTimeout):
        return True
    if _status(exc) in TRANSIENT_STATUSES:
        return True
    return any(kind in str(exc) for kind in TRANSIENT_TYPES)


def is_transient_item(status: int | None, kind: str | None) -> bool:
    """The same judgement for one item of a bulk response."""
    return status in TRANSIENT_STATUSES or kind in TRANSIENT_TYPES


async def in_thread_until_done(
    what: str,
    fn: Callable[..., T],
    *args: Any,
    on_retry: Callable[[BaseException], None] | None = None,
) -> T:
    """Runs blocking `fn` off the event loop; retries transient failures with backoff."""
    delay = 0.5
    while True:
        try:
            return await asyncio.to_thread(fn, *args)
        except Exception as exc:
            if not is_transient(exc):
                raise
            if on_retry is not None:
                on_retry(exc)
            log.warning("%s failed (%s); retrying in %.1fs", what, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_DELAY_SECONDS)
