"""Topic names and their creation; every topic is keyed by thread so a thread stays in order."""

from __future__ import annotations

RAW = "mcu.messages.raw"
TAGGED = "mcu.messages.tagged"
DEADLETTER = "mcu.deadletter"
RESPONSES = "mcu.responses"
ALERTS = "mcu.alerts"

ALL = (RAW, TAGGED, DEADLETTER, RESPONSES, ALERTS)


def ensure_topics(bootstrap: str, partitions: int, replicas: int = 1) -> list[str]:
    """Creates the missing topics; returns the names it created."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="mcu-admin")
    try:
        existing = set(admin.list_topics())
        missing = [name for name in ALL if name not in existing]
        if missing:
            try:
                admin.create_topics(
                    [NewTopic(name, partitions, replicas) for name in missing], validate_only=False
                )
            except TopicAlreadyExistsError:
                pass
        return missing
    finally:
        admin.close()
