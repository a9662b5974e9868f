"""The pieces of the partitioned alert host that need no servers: views, batches, routes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from alerts.delivery import DeliveryLog
from alerts.engine import Engine, Outcome
from alerts.inhibition import Inhibitor, InhibitRule, InhibitRuleConfig
from alerts.model import Alert
from streams.alerting.core import merge, status_record
from streams.alerting.feeds import route_of, slim
from streams.alerting.journal import SentJournal
from streams.alerting.runtime import Shard
from streams.alerting.shards import Prefixed, partition_of_alert, partition_of_key
from streams.alerting.writeback import WriteBack
from streams.search.incidents import incidents_index

NOW = datetime.now(UTC)


def test_a_partition_sees_only_its_own_keys() -> None:
    table: dict[str, object] = {}
    zero, one = Prefixed(table, 0), Prefixed(table, 1)
    zero["a"], one["a"] = 1, 2
    assert (zero["a"], one["a"], dict(zero), dict(one)) == (1, 2, {"a": 1}, {"a": 2})
    assert partition_of_key("1/a") == 1 and partition_of_alert("3.ab12cd34ef56") == 3
    assert partition_of_alert("ab12cd34ef56") is None


def test_write_back_writes_each_key_once_at_the_end() -> None:
    writes: list[str] = []

    class Counting(dict[str, object]):
        def __setitem__(self, key: str, value: object) -> None:
            writes.append(key)
            super().__setitem__(key, value)

    base = Counting(gone=0)
    view = WriteBack(base)
    for n in range(50):
        view["incident"] = n
    del view["gone"]
    assert view.get("incident") == 49 and "gone" not in view and "gone" in base
    assert sorted(view) == ["incident"]
    view.flush()
    assert writes == ["incident"] and dict(base) == {"incident": 49}


def test_control_messages_carry_what_the_rules_read() -> None:
    tagged = {
        "id": "vk:-1_5",
        "thread_id": "vk:-1_1",
        "text": "x" * 5000,
        "nlp": {"category": "roads", "lemmas": ["яма"] * 500, "addresses": ["улица Мира, 1"]},
    }
    out = slim(tagged)
    assert out["nlp"] == {"category": "roads", "addresses": ["улица Мира, 1"]}
    assert len(out["text"]) == 1000
    assert route_of(tagged) == "c|roads"
    assert route_of({"id": "a", "thread_id": "t", "nlp": {"category": "other"}}) == "t|t"


def test_status_records_keep_the_latest_incident_and_link_every_message() -> None:
    first = Outcome(incidents=[{"id": "i", "messages": 1}], links=[("m1", "t", "i")])
    second = Outcome(
        incidents=[{"id": "i", "messages": 2}],
        items=[{"id": "i", "status": "open", "created_at": "t"}],
        links=[("m2", "t", "i")],
    )
    record = status_record(merge([first, second]))
    assert record is not None
    assert record["incidents"] == [{"id": "i", "messages": 2}]
    assert {m["id"] for m in record["messages"]} == {"m1", "m2", "i"}


def test_pending_notifications_are_found_without_reading_the_log() -> None:
    from alerts.notification import Notification

    def note(key: str) -> Notification:
        return Notification(key, "firing", "email", "a@b", "r", "R", "s", "1", "t", "x", "", NOW)

    log = DeliveryLog()
    log.enqueue_all([note("a"), note("b")], NOW)
    log.mark_sent("a", NOW)
    assert [n.key for n in log.due(NOW)] == ["b"]
    assert list(log.pending) == ["b"]
    log.mark_failed("b", NOW, "down", permanent=True)
    assert log.due(NOW + timedelta(hours=1)) == [] and not log.pending


def test_inhibition_looks_sources_up_by_member() -> None:
    rule = InhibitRule.from_config(
        InhibitRuleConfig(
            source_matchers=['kind="spike"'],
            target_matchers=['kind="conflict"'],
            source_contains_target=True,
        )
    )

    def alert(ident: str, kind: str, item: str, members: tuple[str, ...] = ()) -> Alert:
        return Alert(
            ident,
            kind,
            kind,
            ident,
            "firing",
            "warning",
            NOW,
            NOW,
            1,
            {"kind": kind},
            {},
            item,
            members,
        )

    spike = alert("s", "spike", "i1", ("i1", "i2"))
    inhibitor = Inhibitor([rule], [spike])
    assert inhibitor.inhibited(alert("c1", "conflict", "i2"))
    assert not inhibitor.inhibited(alert("c2", "conflict", "i3"))


def test_the_incidents_index_stays_outside_the_messages_pattern() -> None:
    assert incidents_index("mcu-messages") == "mcu-incidents"
    assert incidents_index("mcu-test-ab12") == "mcu-test-ab12.incidents"


async def test_a_revoked_partition_finishes_its_event_and_runs_no_more(tmp_path: Path) -> None:
    # The engine is not used by run/revoke; the journal is a real file.
    shard = Shard(3, cast(Engine, None), {}, SentJournal(tmp_path / "sent-p3.journal"))
    sending, release, done = asyncio.Event(), asyncio.Event(), []

    async def slow_send() -> None:  # a delivery round waiting for the SMTP server's reply
        sending.set()
        await release.wait()
        done.append("sent")

    event = asyncio.create_task(shard.run(slow_send))
    await sending.wait()
    revoke = asyncio.create_task(shard.revoke())
    await asyncio.sleep(0.05)
    assert not revoke.done(), "the rebalance went on while the partition was still sending"
    release.set()
    await revoke
    assert await event is True and done == ["sent"] and shard.revoked

    async def late() -> None:
        done.append("late")

    # An event taken off the queue before the revocation is left to the new owner.
    assert await shard.run(late) is False and done == ["sent"]
    shard.assign()
    assert await shard.run(late) is True and done == ["sent", "late"]
