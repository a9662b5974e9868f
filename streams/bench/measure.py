"""What a bench run reads from the servers: lag, indexed documents, alerts, notifications."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from streams.search import SearchEngine
from streams.search.incidents import incidents_index


def lags(bootstrap: str, group: str, prefix: str) -> dict[str, int]:
    """Messages behind per consumed topic of the run (end offset − committed offset)."""
    from kafka import KafkaAdminClient, KafkaConsumer

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        committed = admin.list_group_offsets({group: None}).get(group, {})
        mine = {tp: meta.offset for tp, meta in committed.items() if tp.topic.startswith(prefix)}
        ends = consumer.end_offsets(list(mine))
    finally:
        consumer.close()
        admin.close()
    out: dict[str, int] = {}
    for tp, offset in mine.items():
        out[tp.topic] = out.get(tp.topic, 0) + max(0, ends.get(tp, 0) - max(offset, 0))
    return out


def settled(lag: dict[str, int], partitions: int) -> bool:
    """Nothing waits on any topic; ticks in flight on a control topic are allowed."""
    if not lag:
        return False
    return all(n <= 2 * partitions if "control" in t else n == 0 for t, n in lag.items())


def indexed_latencies(search: SearchEngine, ids: set[str]) -> list[float]:
    """indexed_at − ingested_at of the run's messages (ingested_at is the publish time)."""
    out = []
    for doc in search.scan({"exists": {"field": "indexed_at"}}):
        if doc.get("id") in ids and doc.get("ingested_at"):
            seconds = datetime.fromisoformat(doc["indexed_at"]) - datetime.fromisoformat(
                doc["ingested_at"]
            )
            out.append(seconds.total_seconds())
    return out


def alert_events(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=3000,
    )
    try:
        return [json.loads(record.value) for record in consumer]
    finally:
        consumer.close()


@dataclass(frozen=True)
class Notified:
    """Per alert: publish → first e-mail, and the same without the wait the route imposes."""

    total: list[float]
    ungrouped: list[float]


def notified_latencies(
    events: list[dict[str, Any]], mails: Path, published: dict[str, float]
) -> Notified:
    """First e-mail about an alert − publish time of the message that raised it (deadline
    alerts are left out: their moment is the deadline, not the message; a bad reply is timed
    from the reply).

    `ungrouped` leaves out the wait of the route (group_wait for a new group, group_interval for
    an alert joining one): (firing − publish) + (received − the notification's creation)."""
    trigger: dict[str, str] = {}
    fired: dict[str, float] = {}
    for event in events:
        alert = event["alert"]
        if event["type"] == "firing" and alert["kind"] != "overdue":
            notes = alert.get("annotations", {})
            # A bad reply is raised by the official's reply, not by the message it answers.
            message = notes.get("reply_id") or notes.get("message_id")
            if message in published:
                trigger.setdefault(alert["id"], message)
                fired.setdefault(alert["id"], datetime.fromisoformat(event["at"]).timestamp())
    first: dict[str, tuple[float, float | None]] = {}
    if mails.exists():
        for line in mails.read_text(encoding="utf-8").splitlines():
            mail = json.loads(line)
            at = datetime.fromisoformat(mail["received_at"]).timestamp()
            headers = mail.get("headers", {})
            created = headers.get("X-MCU-Created-At")
            made = datetime.fromisoformat(created).timestamp() if created else None
            for alert_id in headers.get("X-MCU-Alerts", "").split(","):
                if alert_id in trigger and (alert_id not in first or at < first[alert_id][0]):
                    first[alert_id] = (at, made)
    total = [first[a][0] - published[trigger[a]] for a in first]
    ungrouped = [
        (fired[a] - published[trigger[a]]) + (at - made)
        for a, (at, made) in first.items()
        if made is not None
    ]
    return Notified(total, ungrouped)


def open_alerts(api_port: int, token: str) -> list[dict[str, Any]]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{api_port}/api/v1/alerts",
        headers={"Authorization": f"Bearer {token}"},
    )
    data = json.loads(urllib.request.urlopen(req, timeout=10).read())
    return list(data["alerts"] if isinstance(data, dict) else data)


def incidents(search: SearchEngine, prefix: str) -> dict[str, dict[str, Any]]:
    """The run's incident documents by id (empty for a worker without incidents)."""
    name = incidents_index(prefix)
    try:
        search.client.indices.refresh(index=name)
    except Exception:
        return {}
    found: dict[str, dict[str, Any]] = {}
    after: list[Any] | None = None
    while True:
        body: dict[str, Any] = {"size": 1000, "sort": [{"id": "asc"}]}
        if after is not None:
            body["search_after"] = after
        hits = search.client.search(index=name, body=body)["hits"]["hits"]
        if not hits:
            return found
        for hit in hits:
            found[hit["_source"]["id"]] = hit["_source"]
        after = hits[-1]["sort"]
