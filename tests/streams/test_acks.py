"""streams/acks.py on the real Kafka: a partition nobody committed on is read from its start
after a rebalance, and events of an earlier assignment are never acknowledged."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace
from typing import Any

import faust
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from devstack.settings import StackSettings
from streams import acks

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def bootstrap() -> str:
    from devstack import stack

    settings = StackSettings()
    stack.up(settings, say=lambda _: None)
    return settings.kafka.bootstrap


@pytest.mark.parametrize("committed", [None, 0, 7])
async def test_seek_to_committed_goes_back_over_fetched_records(
    bootstrap: str, committed: int | None
) -> None:
    acks.install()
    topic = f"test-acks-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for n in range(30):
            await producer.send_and_wait(topic, f"record {n}".encode(), partition=0)
    finally:
        await producer.stop()
    tp = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=f"test-acks-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        consumer.assign([tp])
        if committed is not None:
            await consumer.commit({tp: committed})
        # Fetched, then dropped by a rebalance: the fetcher is past them.
        fetched = await consumer.getmany(tp, timeout_ms=5000, max_records=20)
        assert fetched[tp]
        assert await consumer.position(tp) > (committed or 0)
        offsets = await consumer.seek_to_committed()
        assert offsets[tp] == committed
        assert await consumer.position(tp) == (committed or 0)
        again = await consumer.getmany(tp, timeout_ms=5000, max_records=1)
        assert again[tp][0].offset == (committed or 0)
    finally:
        await consumer.stop()


@pytest.mark.parametrize(
    ("flowing", "generation", "current"),
    [(True, 3, True), (True, None, True), (True, 2, False), (False, 3, False)],
)
def test_only_events_of_the_current_assignment_count(
    flowing: bool, generation: int | None, current: bool
) -> None:
    app = SimpleNamespace(
        flow_control=SimpleNamespace(is_active=lambda: flowing), consumer_generation_id=3
    )
    consumer = SimpleNamespace(app=app)
    message = SimpleNamespace(generation_id=generation)
    assert acks._current(consumer, message) is current


def _flowing_app() -> faust.App:
    app = faust.App(f"test-seek-{uuid.uuid4().hex[:8]}", broker="kafka://127.0.0.1:9")
    app.flow_control.resume()  # as faust leaves it after restoring tables
    return app


async def test_a_record_fetched_during_the_seek_waits_for_the_resume_that_clears_the_queues() -> (
    None
):
    acks.install()
    app = _flowing_app()
    consumer: Any = app.consumer
    handed: list[str] = []
    pending: list[asyncio.Future[None]] = []

    async def hand_over() -> None:
        # What faust's conductor does before it puts a fetched record on a stream's queue.
        await app.flow_control.acquire()
        handed.append("record 0")

    async def seek_to_committed() -> dict[object, int]:
        # The record comes in while the partitions are being sought.
        pending.append(asyncio.ensure_future(hand_over()))
        await asyncio.sleep(0.05)
        return {}

    consumer.seek_to_committed = seek_to_committed
    await consumer.perform_seek()
    await asyncio.sleep(0.05)
    assert handed == [], "a record reached a stream queue before faust resumed (and emptied) it"
    app.flow_control.resume()
    await asyncio.sleep(0.05)
    assert handed == ["record 0"]
    await asyncio.gather(*pending)


async def test_a_seek_with_the_flow_stopped_leaves_the_flow_as_it_was() -> None:
    acks.install()
    app = _flowing_app()
    consumer: Any = app.consumer
    consumer.stop_flow()  # faust's own seek from getmany while the flow is stopped

    async def seek_to_committed() -> dict[object, int]:
        return {}

    consumer.seek_to_committed = seek_to_committed
    await consumer.perform_seek()
    assert app.flow_control.is_active()
