"""Read-only views of alert tables on every worker, from their compacted changelog topics.

A worker's tables hold only its own partitions; the HTTP API must answer for all of them, so
each worker follows the changelogs of `alerts` and `silences` from the beginning (no consumer
group: every worker reads every partition), the way a table's standby replica would.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

log = logging.getLogger(__name__)


class ChangelogView:
    def __init__(self, bootstrap: str, topic: str, options: dict[str, Any] | None = None) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        # The Kafka client's security settings (KafkaSettings.client_options()).
        self.options = dict(options or {})
        self.data: dict[str, Any] = {}

    def apply(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        name = str(json.loads(key))
        if value is None:
            self.data.pop(name, None)
        else:
            self.data[name] = json.loads(value)

    def values(self) -> list[Any]:
        return list(self.data.values())

    async def run(self) -> None:
        """Follows the topic until cancelled; a broker that is down is retried, never fatal."""
        from aiokafka.errors import KafkaError

        delay = 1.0
        while True:
            try:
                await self._follow()
            except (KafkaError, OSError) as exc:
                log.warning("view of %s: %s; retrying in %.0f s", self.topic, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _client_options(self) -> dict[str, Any]:
        options = dict(self.options)
        cafile = options.pop("ssl_cafile", None)
        if cafile is not None:
            from aiokafka.helpers import create_ssl_context

            options["ssl_context"] = create_ssl_context(cafile=cafile)
        return options

    async def _follow(self) -> None:
        from aiokafka import AIOKafkaConsumer, TopicPartition

        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **self._client_options(),
        )
        await consumer.start()
        try:
            while True:
                partitions = await consumer._client.fetch_all_metadata()
                found = partitions.partitions_for_topic(self.topic)
                if found:
                    break
                await asyncio.sleep(2)
            tps = [TopicPartition(self.topic, p) for p in sorted(found)]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            # Re-read from the beginning after a reconnect: start from an empty view.
            self.data.clear()
            async for record in consumer:
                try:
                    self.apply(record.key, record.value)
                except ValueError:
                    log.warning("unreadable record in %s at %s", self.topic, record.offset)
        finally:
            await consumer.stop()
