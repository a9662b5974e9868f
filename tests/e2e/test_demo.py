"""`mcu demo --json`: the main job on the local real servers, as a user runs it: the connectors
fetch the sample from the local VK, OK, Bot API, Dovecot and site-form servers."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

from devstack.demo import SAMPLE_DIR
from streams.replay import lines
from streams.settings import Settings


def test_demo_indexes_the_sample_and_reports_alerts(devstack: Settings) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    bad = sum(1 for _ in lines(SAMPLE_DIR / "bad.jsonl"))
    fetched = sum(summary["fetched"].values())
    # The connectors read every source the sample was written into.
    assert {"vk", "ok", "telegram", "email", "pos", "site"} <= set(summary["fetched"])
    assert summary["replayed"] == fetched + bad
    assert summary["indexed"] == fetched
    assert summary["deadletter"] == bad
    assert sum(summary["by_category"].values()) == fetched
    assert "housing" in summary["by_category"]
    alerts = summary["alerts"]
    assert set(alerts["delivered"]) == {"email", "telegram"}
    # A first run fires alerts; a repeated one finds them open (known messages don't re-fire).
    assert alerts["fired"] > 0 or alerts["open"] > 0
    assert "проиндексировано" in result.stderr


def test_a_record_dead_lettered_twice_counts_once(devstack: Settings) -> None:
    """At least once: a bad raw record read again after a rebalance is dead-lettered again."""
    from kafka import KafkaProducer
    from kafka.admin import NewTopic

    from devstack.demo import dead_letters_since, end_offsets
    from streams.deadletter import STAGE
    from streams.topics import kafka_admin

    bootstrap = devstack.kafka.bootstrap
    topic = f"test.deadletter.{uuid.uuid4().hex[:8]}"
    with kafka_admin(bootstrap) as admin:
        admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        before = end_offsets(bootstrap, topic)
        assert sum(before.values()) == 0
        records = [
            (b"tag", b"[1, 2]"),
            (b"tag", b"[1, 2]"),
            (b"tag", b"{oops"),
            (b"index", b"[1, 2]"),
        ]
        for n, (stage, value) in enumerate(records):
            producer.send(topic, value=value, partition=n % 2, headers=[(STAGE, stage)])
        producer.flush()
        assert dead_letters_since(bootstrap, topic, before) == 3
        after = end_offsets(bootstrap, topic)
        producer.send(topic, value=b"null", partition=0, headers=[(STAGE, b"tag")]).get(10)
        assert dead_letters_since(bootstrap, topic, after) == 1
    finally:
        producer.close()
        with kafka_admin(bootstrap) as admin:
            admin.delete_topics([topic])


def test_a_status_update_ahead_of_the_message_is_not_counted_as_indexed(devstack: Settings) -> None:
    """The status agent can upsert a message's incident fields before the index agent writes
    the message: that partial document must not count as indexed, nor go into the categories."""
    from devstack.demo import aggregate, count_ids
    from streams.agents.index import document
    from streams.search import connect

    prefix = f"mcu-test-{uuid.uuid4().hex[:8]}"
    search = connect(devstack.search.model_copy(update={"index_prefix": prefix}))
    created = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    try:
        search.ensure_template()
        search.bulk_update(
            [("m1", created, {"incident": "i1"}), ("m2", created, {"incident": "i1"})]
        )
        search.refresh()
        assert search.count({"ids": {"values": ["m1", "m2"]}}) == 2
        assert count_ids(search, ["m1", "m2"]) == 0
        message = {"id": "m1", "created_at": created, "text": "Яма", "nlp": {"category": "roads"}}
        search.bulk_index([document(message, None)], refresh=True)
        assert count_ids(search, ["m1", "m2"]) == 1
        buckets = aggregate(search, ["m1", "m2"])["category"]["buckets"]
        assert [(b["key"], b["doc_count"]) for b in buckets] == [("roads", 1)]
    finally:
        search.client.indices.delete(index=search.index_pattern, allow_no_indices=True)
        search.client.indices.delete_index_template(name=prefix, ignore=[404])
        search.close()


def test_a_repeated_demo_counts_its_own_run_and_drops_the_copies_of_the_last(
    devstack: Settings,
) -> None:
    """The demo sends its sample dated from now: run again on another day, the same ids land in
    another monthly index. Counting the ids counted both copies (243 indexed of 214 fetched)."""
    import time

    from devstack.demo import count_ids
    from streams.agents.index import document
    from streams.search import connect, index_for, written_before

    prefix = f"mcu-test-{uuid.uuid4().hex[:8]}"
    search = connect(devstack.search.model_copy(update={"index_prefix": prefix}))
    now = datetime.now(UTC)
    last_run, this_run = (now - timedelta(days=40)).isoformat(), now - timedelta(hours=1)
    try:
        search.ensure_template()
        old = [{"id": one, "created_at": last_run, "text": "Яма"} for one in ("m1", "m2")]
        search.bulk_index([document(m, None) for m in old], refresh=True)
        time.sleep(0.05)
        since = datetime.now(UTC)
        assert count_ids(search, ["m1", "m2"], since) == 0
        fresh = [{"id": "m1", "created_at": this_run.isoformat(), "text": "Яма"}]
        search.bulk_index([document(m, None) for m in fresh], refresh=True)
        assert index_for(prefix, last_run) != index_for(prefix, this_run.isoformat())
        assert count_ids(search, ["m1", "m2"]) == 3
        assert count_ids(search, ["m1", "m2"], since) == 1
        assert search.delete(written_before(["m1", "m2"], since)) == 2
        search.refresh()
        assert count_ids(search, ["m1", "m2"]) == 1
        assert count_ids(search, ["m1", "m2"], since) == 1
    finally:
        search.client.indices.delete(index=search.index_pattern, allow_no_indices=True)
        search.client.indices.delete_index_template(name=prefix, ignore=[404])
        search.close()


def test_the_sample_is_sent_as_if_just_written() -> None:
    from devstack.demo import NEWEST_AGE, moved_to

    rows = [json.loads(raw) for raw in lines(SAMPLE_DIR / "messages.jsonl")]
    for now in (datetime(2031, 3, 1, 12, tzinfo=UTC), datetime.now(UTC)):
        moved = moved_to(rows, now)
        when = [datetime.fromisoformat(r["created_at"]) for r in moved]
        before = [datetime.fromisoformat(r["created_at"]) for r in rows]
        assert max(when) == now - NEWEST_AGE
        shifts = {a - b for a, b in zip(when, before, strict=True)}
        assert len(shifts) == 1  # the gaps between messages are kept
        assert [w.utcoffset() for w in when] == [b.utcoffset() for b in before]
        assert [{k: v for k, v in r.items() if k != "created_at"} for r in moved] == [
            {k: v for k, v in r.items() if k != "created_at"} for r in rows
        ]
