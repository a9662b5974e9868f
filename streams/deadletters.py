"""Reading and re-driving `mcu.deadletter`: what failed, where, why; send it back after a fix."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from streams.deadletter import ORIGIN, REASON, STAGE, reason_code


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes
    stage: str
    reason: str
    origin: str

    @property
    def code(self) -> str:
        return reason_code(self.reason)

    def matches(self, stage: str | None, reason: str | None) -> bool:
        """`reason` matches the bounded code (invalid_json, …) or a part of the free text."""
        if stage and self.stage != stage:
            return False
        return not reason or reason == self.code or reason.lower() in self.reason.lower()


def _header(headers: Iterable[tuple[str, bytes | None]], name: str) -> str:
    for key, value in headers or ():
        if key == name and value is not None:
            return value.decode("utf-8", "replace")
    return ""


def read(
    bootstrap: str,
    topic: str,
    timeout_ms: int = 3000,
    options: Mapping[str, Any] | None = None,
    since: Mapping[int, int] | None = None,
) -> Iterator[DeadLetter]:
    """Every dead letter from the beginning of the topic (no consumer group, nothing committed),
    or from the offsets `since` gives per partition.

    `options`: the client's security settings (KafkaSettings.client_options())."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        consumer_timeout_ms=timeout_ms,
        client_id="mcu-deadletter",
        **(options or {}),
    )
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not assigned:
            return
        consumer.assign(assigned)
        starts = {tp: (since or {}).get(tp.partition, 0) for tp in assigned}
        for tp, start in starts.items():
            consumer.seek(tp, start)
        ends = consumer.end_offsets(assigned)
        remaining = {tp.partition for tp in assigned if ends[tp] > starts[tp]}
        while remaining:
            batch = consumer.poll(timeout_ms=timeout_ms)
            if not batch:
                return
            for tp, records in batch.items():
                for record in records:
                    yield DeadLetter(
                        partition=record.partition,
                        offset=record.offset,
                        timestamp_ms=record.timestamp,
                        key=record.key,
                        value=record.value or b"",
                        stage=_header(record.headers, STAGE),
                        reason=_header(record.headers, REASON),
                        origin=_header(record.headers, ORIGIN),
                    )
                    if record.offset + 1 >= ends[tp]:
                        remaining.discard(tp.partition)
    finally:
        consumer.close()


def replay(
    bootstrap: str,
    letters: Iterable[DeadLetter],
    send: Callable[[str, bytes | None, bytes], None] | None = None,
    options: Mapping[str, Any] | None = None,
) -> dict[str, int]:
    """Sends each letter's original bytes back to the topic it came from; counts per topic."""
    from kafka import KafkaProducer

    producer = None
    if send is None:
        producer = KafkaProducer(
            bootstrap_servers=bootstrap, acks="all", client_id="mcu-redrive", **(options or {})
        )

        def send(topic: str, key: bytes | None, value: bytes) -> None:
            assert producer is not None
            producer.send(topic, key=key, value=value)

    counts: dict[str, int] = {}
    try:
        for letter in letters:
            if not letter.origin:
                continue
            send(letter.origin, letter.key, letter.value)
            counts[letter.origin] = counts.get(letter.origin, 0) + 1
    finally:
        if producer is not None:
            producer.flush(timeout=60)
            producer.close(timeout=10)
    return counts
