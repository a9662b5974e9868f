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
    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
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
        """Follows the topic until cancelled; waits for it while it does not exist yet."""
        from aiokafka import AIOKafkaConsumer, TopicPartition

        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
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
            async for record in consumer:
                try:
                    self.apply(record.key, record.value)
                except ValueError:
                    log.warning("unreadable record in %s at %s", self.topic, record.offset)
        finally:
            await consumer.stop()
