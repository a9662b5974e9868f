"""The delivery log: one send per (subject, receiver, channel, sequence); retries with backoff."""

from __future__ import annotations

import json
from datetime import timedelta

from alertkit import at

from alerts.delivery import Backoff, DeliveryLog
from alerts.notification import Button, Notification, delivery_key


def note(seq: int = 1, channel: str = "email", created: str = "2026-03-10 10:00") -> Notification:
    return Notification(
        key=delivery_key("grp1", "sentsova", channel, seq),
        kind="firing",
        channel=channel,  # type: ignore[arg-type]
        address="sentsova@kamyshlov.example" if channel == "email" else "100002",
        receiver="sentsova",
        receiver_name="Сенцова Е.В.",
        subject_id="grp1",
        seq=str(seq),
        title="[МЦУ] Конфликтная ситуация — ЖКХ",
        text="Третий день нет горячей воды",
        html="<b>Третий день нет горячей воды</b>",
        created_at=at(created),
        buttons=((Button("Взять в работу", "ack:a1"), Button("Решено", "res:a1")),),
        alert_ids=("a1",),
    )


def test_enqueue_is_idempotent_per_key() -> None:
    log = DeliveryLog()
    assert log.enqueue(note(1), at("2026-03-10 10:00"))
    assert not log.enqueue(note(1), at("2026-03-10 10:01"))
    assert log.enqueue(note(2), at("2026-03-10 10:05"))
    assert [n.seq for n in log.due(at("2026-03-10 10:06"))] == ["1", "2"]


def test_sent_is_never_due_again_even_after_restart() -> None:
    table: dict[str, object] = {}
    log = DeliveryLog(table)
    log.enqueue(note(), at("2026-03-10 10:00"))
    log.mark_sent(note().key, at("2026-03-10 10:00:01"), "<abc@kamyshlov.example>")
    restarted = DeliveryLog(json.loads(json.dumps(table)))
    assert restarted.due(at("2026-03-11 10:00")) == []
    assert not restarted.enqueue(note(), at("2026-03-11 10:00"))
    assert restarted.is_sent(note().key)
    assert restarted.ref_of(note().key) == "<abc@kamyshlov.example>"


def test_backoff_schedules_retries_and_gives_up() -> None:
    log = DeliveryLog(
        backoff=Backoff(timedelta(seconds=5), 2.0, timedelta(seconds=30), max_attempts=5)
    )
    key, now = note().key, at("2026-03-10 10:00")
    log.enqueue(note(), now)
    delays = []
    for _ in range(4):
        record = log.mark_failed(key, now, "Connection refused")
        assert record.status == "pending" and record.next_attempt_at is not None
        delays.append((record.next_attempt_at - now).total_seconds())
        assert log.due(now) == []
        assert log.due(record.next_attempt_at) != []
    assert delays == [5, 10, 20, 30]
    assert log.mark_failed(key, now, "Connection refused").status == "dead"
    assert log.due(at("2026-03-11 10:00")) == []


def test_permanent_error_and_retry_after() -> None:
    log = DeliveryLog()
    now = at("2026-03-10 10:00")
    log.enqueue(note(1), now)
    log.enqueue(note(2), now)
    assert log.mark_failed(note(1).key, now, "chat not found", permanent=True).status == "dead"
    slow = log.mark_failed(note(2).key, now, "429", retry_after=timedelta(seconds=40))
    assert slow.next_attempt_at == now + timedelta(seconds=40)


def test_prune_keeps_pending() -> None:
    log = DeliveryLog()
    log.enqueue(note(1, created="2026-01-01 10:00"), at("2026-01-01 10:00"))
    log.enqueue(note(2, created="2026-01-01 10:00"), at("2026-01-01 10:00"))
    log.mark_sent(note(1).key, at("2026-01-01 10:00"))
    assert log.prune(at("2026-03-10 10:00")) == 1
    assert [r.notification.seq for r in log.records()] == ["2"]


def test_notification_round_trip() -> None:
    n = note(channel="telegram")
    assert Notification.from_dict(json.loads(json.dumps(n.to_dict()))) == n
