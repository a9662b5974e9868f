"""Which failures wait and try again (a server down, busy, blocked) and which are raised."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import elastic_transport
import opensearchpy.exceptions as os_errors
import pytest

from streams.retry import in_thread_until_done, is_transient, is_transient_item
from streams.search.engine import BulkError, BulkResult
from streams.search.writer import write_all


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (os_errors.ConnectionError("N/A", "refused", None), True),
        (os_errors.ConnectionTimeout("TIMEOUT", "read timed out", None), True),
        (os_errors.TransportError(429, "too_many_requests", {}), True),
        (os_errors.TransportError(503, "unavailable", {}), True),
        (
            os_errors.TransportError(
                403, "cluster_block_exception", "index [x] blocked by: [FORBIDDEN/12]"
            ),
            True,
        ),
        (elastic_transport.ConnectionError("refused"), True),
        (os_errors.RequestError(400, "mapper_parsing_exception", {}), False),
        (OverflowError("date value out of range"), False),
        (KeyError("nobody"), False),
        (TypeError("unsupported operand"), False),
    ],
)
def test_transient_or_not(exc: Exception, transient: bool) -> None:
    assert is_transient(exc) is transient


@pytest.mark.parametrize(
    ("status", "kind", "transient"),
    [
        (429, "es_rejected_execution_exception", True),
        (429, "cluster_block_exception", True),
        (403, "cluster_block_exception", True),
        (503, "unavailable_shards_exception", True),
        (400, "mapper_parsing_exception", False),
        (400, "document_parsing_exception", False),
        (409, "version_conflict_engine_exception", False),
    ],
)
def test_bulk_item_errors(status: int, kind: str, transient: bool) -> None:
    assert is_transient_item(status, kind) is transient


async def test_a_bug_is_raised_not_retried() -> None:
    calls = []

    def buggy() -> None:
        calls.append(1)
        raise KeyError("nobody")

    with pytest.raises(KeyError):
        await asyncio.wait_for(in_thread_until_done("bug", buggy), timeout=5)
    assert calls == [1]


async def test_a_server_down_is_retried_until_it_answers() -> None:
    answers: list[Exception | str] = [ConnectionRefusedError(), TimeoutError(), "ok"]

    def flaky() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert await in_thread_until_done("flaky", flaky) == "ok"
    assert answers == []


class Engine:
    """Bulk behaviour of a search engine, scripted per call: what the writer must survive."""

    def __init__(self) -> None:
        self.blocked = 2  # calls during which doc "b" hits a read-only block
        self.calls: list[list[str]] = []
        self.stored: dict[str, dict[str, Any]] = {}

    def bulk(self, docs: Sequence[dict[str, Any]]) -> BulkResult:
        self.calls.append([d["id"] for d in docs])
        if any(d.get("poison") for d in docs):
            raise OverflowError("date value out of range")
        errors = []
        for doc in docs:
            if doc["id"] == "b" and self.blocked:
                self.blocked -= 1
                errors.append(
                    BulkError(
                        "b", "cluster_block_exception: read-only", 403, "cluster_block_exception"
                    )
                )
            elif doc["id"] == "bad":
                errors.append(
                    BulkError("bad", "mapper_parsing_exception: x", 400, "mapper_parsing_exception")
                )
            else:
                self.stored[doc["id"]] = doc
        return BulkResult(len(docs) - len(errors), errors)


async def test_writer_retries_blocks_rejects_bad_items_and_isolates_a_poison_record() -> None:
    engine = Engine()
    rejected: list[tuple[str, str]] = []

    async def reject(doc: dict[str, Any], reason: str) -> None:
        rejected.append((doc["id"], reason))

    docs = [{"id": "a"}, {"id": "b"}, {"id": "bad"}, {"id": "p", "poison": True}, {"id": "c"}]
    docs.append({"id": "a", "v": 2})  # the same message twice in one batch: the later wins
    out = await asyncio.wait_for(write_all("bulk", engine.bulk, docs, reject), timeout=30)
    assert out == {"bad", "p"}
    assert sorted(r[0] for r in rejected) == ["bad", "p"]
    assert set(engine.stored) == {"a", "b", "c"}
    assert engine.stored["a"] == {"id": "a", "v": 2}
