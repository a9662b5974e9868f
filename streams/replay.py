"""Publishes a JSONL file to mcu.messages.raw, line by line, bytes untouched, keyed by thread."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from streams.records import thread_key


def lines(path: Path) -> Iterator[bytes]:
    """Non-empty lines of a file as raw bytes (a non-UTF-8 line is sent as it is)."""
    with path.open("rb") as fh:
        for line in fh:
            line = line.rstrip(b"\r\n")
            if line.strip():
                yield line


def publish(
    bootstrap: str,
    records: Iterable[bytes],
    topic: str,
    progress: Callable[[int], None] | None = None,
    options: Mapping[str, Any] | None = None,
) -> int:
    """Sends every record and waits until the broker has them all; returns how many.

    `options`: the client's security settings (KafkaSettings.client_options())."""
    from kafka import KafkaProducer

    producer = KafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=20,
        retries=10,
        max_in_flight_requests_per_connection=1,
        client_id="mcu-replay",
        **(options or {}),
    )
    sent = 0
    try:
        futures = []
        for raw in records:
            futures.append(producer.send(topic, key=thread_key(raw), value=raw))
            sent += 1
            if progress:
                progress(1)
            if len(futures) >= 1000:
                for f in futures:
                    f.get(timeout=60)
                futures.clear()
        producer.flush(timeout=60)
        for f in futures:
            f.get(timeout=60)
    finally:
        producer.close(timeout=10)
    return sent
