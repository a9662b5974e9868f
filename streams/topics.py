"""Topic names and their creation; messages are keyed by thread, incident events by route."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
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
        """Everything that changes incident and alert state, keyed by the message's route
        (its category, else its thread): N partitions, each owned by one worker at a time."""
        return f"{self.prefix}mcu.incidents.control"

    @property
    def status(self) -> str:
        """Incident documents and message links for the search index, from the alerts agent."""
        return f"{self.prefix}mcu.incidents.status"

    def all(self) -> tuple[str, ...]:
        return (
            self.raw,
            self.tagged,
            self.deadletter,
            self.responses,
            self.alerts,
            self.control,
            self.status,
        )

    def partitions(self, name: str, default: int) -> int:
        return default


@contextlib.contextmanager
def kafka_admin(bootstrap: str, options: Mapping[str, Any] | None = None) -> Iterator[Any]:
    """A Kafka admin client for one job; `options`: KafkaSettings.client_options()."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="mcu-admin", **(options or {}))
    try:
        yield admin
    finally:
        admin.close()


def ensure_topics(
    bootstrap: str,
    names: TopicNames,
    partitions: int,
    replicas: int = 1,
    options: Mapping[str, Any] | None = None,
) -> list[str]:
    """Creates the missing topics; returns the names it created.

    `options`: the client's security settings (KafkaSettings.client_options())."""
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    with kafka_admin(bootstrap, options) as admin:
        existing = set(admin.list_topics())
        missing = [name for name in names.all() if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [NewTopic(n, names.partitions(n, partitions), replicas) for n in missing]
                )
        return missing


def partition_mismatches(
    bootstrap: str,
    names: TopicNames,
    app_id: str,
    partitions: int,
    options: Mapping[str, Any] | None = None,
) -> dict[str, int]:
    """Existing topics of this deployment (the pipeline's and its tables' changelogs) whose
    partition count is not `partitions`, with the count they have.

    faust refuses such a table on every event (PartitionsMismatch): each control event would go
    to the dead letters, and no incident or alert would be kept. This is the case after
    MCU_KAFKA__PARTITIONS changes on an existing deployment."""
    with kafka_admin(bootstrap, options) as admin:
        ours = set(names.all())
        changelog = f"{app_id}-"
        topics = [
            t
            for t in admin.list_topics()
            if t in ours or (t.startswith(changelog) and t.endswith("-changelog"))
        ]
        if not topics:
            return {}
        described = admin.describe_topics(sorted(topics))
    counts = {str(d["name"]): len(d.get("partitions") or []) for d in described}

    def expected(name: str) -> int:
        # The pipeline's topics by the rule `ensure_topics` creates them with.
        return names.partitions(name, partitions) if name in ours else partitions

    return {name: n for name, n in sorted(counts.items()) if n and n != expected(name)}
