"""The timer wheel: entries come back when due, each once, oldest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidents.wheel import Wheel

NOW = datetime.now(UTC)


def test_due_entries_come_back_once_in_time_order() -> None:
    table: dict[str, object] = {}
    wheel = Wheel(table)
    wheel.schedule("late", NOW + timedelta(minutes=5), NOW)
    wheel.schedule("soon", NOW + timedelta(seconds=30), NOW)
    wheel.schedule("past", NOW - timedelta(days=40), NOW)
    assert wheel.pop_due(NOW) == ["past"]
    assert wheel.pop_due(NOW + timedelta(seconds=29)) == []
    assert wheel.pop_due(NOW + timedelta(minutes=1)) == ["soon"]
    # The schedule lives in the mapping: another Wheel over it (a restarted worker) continues.
    assert Wheel(table).pop_due(NOW + timedelta(minutes=6)) == ["late"]
    assert Wheel(table).size() == 0


def test_a_pass_after_a_long_pause_finds_everything_missed() -> None:
    wheel = Wheel({})
    for n in range(100):
        wheel.schedule(f"e{n}", NOW + timedelta(minutes=n), NOW)
    due = wheel.pop_due(NOW + timedelta(days=1))
    assert due == [f"e{n}" for n in range(100)]
