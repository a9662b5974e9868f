"""Topic names and their creation; every topic is keyed by thread so a thread stays in order."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TopicNames:
    """The pipeline's topics; a prefix keeps parallel deployments (and test runs) apart."""

    prefix: str = ""

    @property
    def raw(self) -> str:
        return f"{self.prefix}mcu.messages.raw"

    @property
    def tagged(self) -> str:
        return f"{self.prefix}mcu.messages.tagged"

    @property
    def deadletter(self) -> str:
        return f"{self.prefix}mcu.deadletter"

    @property
    def responses(self) -> str:
        return f"{self.prefix}mcu.responses"

    @property
    def alerts(self) -> str:
        return f"{self.prefix}mcu.alerts"

    @property
    def control(self) -> str:
        """Everything that changes alert state, in one partition: one owner, one order."""
        return f"{self.prefix}mcu.alerts.control"

    def all(self) -> tuple[str, ...]:
        return (self.raw, self.tagged, self.deadletter, self.responses, self.alerts, self.control)

    def partitions(self, name: str, default: int) -> int:
        return 1 if name == self.control else default


def ensure_topics(
    bootstrap: str,
    names: TopicNames,
    partitions: int,
    replicas: int = 1,
    options: Mapping[str, Any] | None = None,
) -> list[str]:
    """Creates the missing topics; returns the names it created.

    `options`: the client's security settings (KafkaSettings.client_options())."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="mcu-admin", **(options or {}))
    try:
        existing = set(admin.list_topics())
        missing = [name for name in names.all() if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [NewTopic(n, names.partitions(n, partitions), replicas) for n in missing]
                )
        return missing
    finally:
        admin.close()
