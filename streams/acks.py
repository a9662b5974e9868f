"""At-least-once across rebalances: corrections to how faust and aiokafka resume a partition.

Measured with `mcu bench pipeline --workers 2` (a second worker joining while messages flow):
15 to 536 of 3,000–5,000 messages never reached the tagged topic. faust drops the records it
had fetched but not yet handed to an agent when partitions are reassigned, and relies on a seek
to the committed offset to read them again. aiokafka's `seek_to_committed` does not seek a
partition whose committed offset is 0 or none (a topic nobody committed on yet), so the fetcher
went on after the dropped records. And faust acks the events it skips during a rebalance, which
can commit past them. Both are corrected here; the cost is at most a duplicate, which every
stage absorbs (the index writes by id, an incident counts a message id once).

A third: faust's fetch loop hands each fetched record to the streams while the flow is not
suspended, and records the record's offset as read even when a rebalance suspended the flow
first and the record was never handed over. After the seek to the committed offset, the records
fetched again at or below that "read" offset are dropped as already seen. Seen in a two-worker
test: raw offsets 80-84 of two partitions never tagged. Here an offset counts as read only once
its record was handed over.

A fourth: after a rebalance that restores tables, faust leaves the flow running while it seeks
the stream partitions to their committed offsets, then resumes the flow, and resuming empties
every stream's queue. A record fetched after its partition's seek and still queued at that
moment was dropped, and nothing fetched it again, since the position was already past it. Seen
in `test_alerts_go_out_while_the_status_indexer_cannot_reach_the_search_engine` (one run in
six on two busy cores): the restarted worker read the status topic's only record and never
indexed it. Here the flow is suspended for the seek, so such a record waits for the resume.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.consumer.fetcher import OffsetResetStrategy
from faust.transport.consumer import Consumer

_MARK = "_mcu_at_least_once"


def _current(consumer: Any, message: Any) -> bool:
    """A message fetched under the current assignment, while records flow."""
    app = consumer.app
    if not app.flow_control.is_active():
        return False
    generation = getattr(message, "generation_id", None)
    return generation is None or generation == app.consumer_generation_id


async def seek_to_committed(
    self: AIOKafkaConsumer, *partitions: TopicPartition
) -> dict[TopicPartition, int | None]:
    """aiokafka's method, except that offset 0 is a position and no commit means the reset
    policy (earliest here), instead of "wherever the fetcher happens to be"."""
    if not partitions:
        partitions = tuple(self._subscription.assigned_partitions())
    committed: dict[TopicPartition, int | None] = {}
    unset: list[TopicPartition] = []
    for tp in partitions:
        offset = await self.committed(tp)
        committed[tp] = offset
        if offset is not None and offset >= 0:
            self._fetcher.seek_to(tp, offset)
        else:
            unset.append(tp)
    if unset:
        if self._fetcher._default_reset_strategy == OffsetResetStrategy.LATEST:
            await self.seek_to_end(*unset)
        else:
            await self.seek_to_beginning(*unset)
    return committed


class _ReadOffsets(defaultdict[Any, int | None]):
    """faust's read offsets, except the offset of a record whose hand-over was cut short."""

    def __init__(self, current: dict[Any, int | None]) -> None:
        super().__init__(lambda: None, current)
        self.handing: tuple[Any, int] | None = None

    def __setitem__(self, tp: Any, offset: int | None) -> None:
        if self.handing is not None and self.handing == (tp, offset):
            self.handing = None  # never handed over: it must be read again
            return
        super().__setitem__(tp, offset)


def _guard(consumer: Any) -> None:
    reads = _ReadOffsets(dict(consumer._read_offset))
    consumer._read_offset = reads
    deliver = consumer.callback

    async def callback(message: Any) -> Any:
        reads.handing = (message.tp, message.offset)
        result = await deliver(message)
        reads.handing = None
        return result

    consumer.callback = callback


def _hold_flow_during_seek(perform_seek: Any) -> Any:
    async def held(self: Consumer) -> None:
        # Only where the flow runs: faust resumes it right after this seek (and clears the
        # queues then); a seek with the flow already stopped is left as it is.
        if self.flow_active and self.app.flow_control.is_active():
            self.app.flow_control.suspend()
        await perform_seek(self)

    return held


def install() -> None:
    """Patches them once per process (idempotent)."""
    if getattr(Consumer.ack, _MARK, False):
        return
    original = Consumer.ack

    def ack(self: Consumer, message: Any) -> bool:
        # A skipped or stale event is read again from the committed offset: no ack for it.
        if not _current(self, message):
            return False
        return bool(original(self, message))

    setattr(ack, _MARK, True)
    Consumer.ack = ack  # type: ignore[method-assign]
    drain = Consumer._drain_messages

    async def _drain_messages(self: Consumer, fetcher: Any) -> None:
        _guard(self)
        await drain(self, fetcher)

    Consumer._drain_messages = _drain_messages  # type: ignore[method-assign]
    AIOKafkaConsumer.seek_to_committed = seek_to_committed
    Consumer.perform_seek = _hold_flow_during_seek(Consumer.perform_seek)  # type: ignore[method-assign]
