"""Bulk writes that lose nothing: transient item errors are retried, a poison record is found.

A whole request that fails for a transient reason (server down, 429, a block) is retried until
it passes. One that fails for any other reason is split in halves until the record that causes
it stands alone and is rejected. Item errors are retried when transient, rejected otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from streams.retry import MAX_DELAY_SECONDS, in_thread_until_done, is_transient_item
from streams.search.engine import BulkResult

Doc = dict[str, Any]
Bulk = Callable[[Sequence[Doc]], BulkResult]
Reject = Callable[[Doc, str], Awaitable[None]]


def latest_by_id(docs: Sequence[Doc]) -> list[Doc]:
    """One document per id, the last one seen (a later offset is a later state)."""
    return list({doc["id"]: doc for doc in docs}.values())


async def write_all(
    what: str,
    bulk: Bulk,
    docs: Sequence[Doc],
    reject: Reject,
    on_retry: Callable[[str], None] = lambda _: None,
) -> set[str]:
    """Writes every document or rejects it; returns the ids of the rejected ones."""
    pending = latest_by_id(docs)
    rejected: set[str] = set()
    delay = 0.5
    while pending:
        try:
            result = await in_thread_until_done(
                what, bulk, pending, on_retry=lambda _exc: on_retry("unavailable")
            )
        except Exception as exc:  # not transient: one of the records causes it
            if len(pending) == 1:
                await reject(pending[0], f"index: {type(exc).__name__}: {exc}")
                return rejected | {pending[0]["id"]}
            half = len(pending) // 2
            for part in (pending[:half], pending[half:]):
                rejected |= await write_all(what, bulk, part, reject, on_retry)
            return rejected
        by_id = {doc["id"]: doc for doc in pending}
        retry: list[Doc] = []
        for error in result.errors:
            doc = by_id.pop(error.id, None)
            if doc is None:
                continue
            if is_transient_item(error.status, error.type):
                on_retry("retried")
                retry.append(doc)
            else:
                rejected.add(error.id)
                await reject(doc, f"index: {error.reason}")
        pending = retry
        if pending:
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_DELAY_SECONDS)
    return rejected
