"""The shared Kafka layer: an idempotent acks=all producer and the compacted cursor topic."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from connectors.message import Wire

Options = Mapping[str, Any]


def aiokafka_options(options: Options | None) -> dict[str, Any]:
    """kafka-python's security keywords (KafkaSettings.client_options()) as aiokafka takes them."""
    out = dict(options or {})
    cafile = out.pop("ssl_cafile", None)
    if out.get("security_protocol") == "SASL_SSL":
        import ssl

        out["ssl_context"] = ssl.create_default_context(cafile=cafile)
    return out


def ensure_cursor_topic(
    bootstrap: str, name: str, replicas: int = 1, options: Options | None = None
) -> None:
    """One compacted partition: the latest cursor per key survives forever, in order."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="mcu-connectors-admin", **(options or {})
    )
    try:
        if name not in set(admin.list_topics()):
            topic = NewTopic(name, 1, replicas, topic_configs={"cleanup.policy": "compact"})
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([topic])
    finally:
        admin.close()


def read_all(
    bootstrap: str, topic: str, options: Options | None = None
) -> list[tuple[bytes | None, bytes | None]]:
    """Every record of a topic from the beginning to the end offsets taken at the start."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        client_id="mcu-connectors-read",
        **(options or {}),
    )
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not tps:
            return []
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        out: list[tuple[bytes | None, bytes | None]] = []
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            for records in consumer.poll(timeout_ms=1000).values():
                out += [(r.key, r.value) for r in records]
        return out
    finally:
        consumer.close()


async def read_cursors(
    bootstrap: str, topic: str, options: Options | None = None
) -> dict[str, Any]:
    """Every key's latest cursor (a null value deletes the key)."""
    cursors: dict[str, Any] = {}
    for key, value in await asyncio.to_thread(read_all, bootstrap, topic, options):
        if key is None:
            continue
        if value is None:
            cursors.pop(key.decode(), None)
        else:
            cursors[key.decode()] = json.loads(value)
    return cursors


class Sink:
    """Where connectors put messages: raw topic first, the cursor after the broker acked them."""

    def __init__(
        self, bootstrap: str, raw_topic: str, cursor_topic: str, options: Options | None = None
    ) -> None:
        self.raw_topic = raw_topic
        self.cursor_topic = cursor_topic
        self.bootstrap = bootstrap
        self.options = dict(options or {})
        self.cursors: dict[str, Any] = {}
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            client_id="mcu-connectors",
            **aiokafka_options(options),
        )

    async def start(self) -> None:
        self.cursors = await read_cursors(self.bootstrap, self.cursor_topic, self.options)
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    def cursor(self, connector: str, scope: str, default: Any = None) -> Any:
        return self.cursors.get(f"{connector}:{scope}", default)

    async def send(self, messages: Sequence[Wire]) -> None:
        """Produces and waits for every ack (acks=all); raises if the broker refused."""
        futures = [
            await self._producer.send(self.raw_topic, key=m.key, value=m.to_json())
            for m in messages
        ]
        if futures:
            await asyncio.gather(*futures)

    async def commit(self, connector: str, cursors: dict[str, Any]) -> None:
        """Moves cursors; call only after `send` returned for what they cover."""
        futures = []
        for scope, value in cursors.items():
            key = f"{connector}:{scope}"
            body = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
            futures.append(
                await self._producer.send(self.cursor_topic, key=key.encode(), value=body)
            )
        if futures:
            await asyncio.gather(*futures)
        for scope, value in cursors.items():
            self.cursors[f"{connector}:{scope}"] = value

    async def emit(
        self, connector: str, messages: Sequence[Wire], cursors: dict[str, Any] | None = None
    ) -> None:
        await self.send(messages)
        if cursors:
            await self.commit(connector, cursors)
