"""The pieces of the partitioned alert host that need no servers: views, batches, routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.delivery import DeliveryLog
from alerts.engine import Outcome
from alerts.inhibition import Inhibitor, InhibitRule, InhibitRuleConfig
from alerts.model import Alert
from streams.alerting.core import merge, status_record
from streams.alerting.feeds import route_of, slim
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
