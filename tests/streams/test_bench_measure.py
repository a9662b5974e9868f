"""The bench's notification latency: with and without the wait the route imposes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.bench.measure import notified_latencies

T0 = 1_800_000_000.0


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(T0 + seconds, UTC).isoformat()


def _event(
    alert_id: str, kind: str, message_id: str, fired: float, reply_id: str | None = None
) -> dict[str, object]:
    notes = {"message_id": message_id, **({"reply_id": reply_id} if reply_id else {})}
    return {
        "type": "firing",
        "at": _iso(fired),
        "alert": {"id": alert_id, "kind": kind, "annotations": notes},
    }


def _mail(alerts: str, created: float, received: float) -> str:
    headers = {"X-MCU-Alerts": alerts, "X-MCU-Created-At": _iso(created)}
    return json.dumps({"received_at": _iso(received), "headers": headers})


def test_the_route_wait_is_left_out_of_the_ungrouped_latency(tmp_path: Path) -> None:
    published = {"m1": T0, "m2": T0 + 10, "m3": T0 + 20, "r1": T0 + 30}
    events = [
        _event("a1", "conflict", "m1", fired=2),
        # Joins a1's group: waits for the group's next flush, 50 s later.
        _event("a2", "conflict", "m2", fired=12),
        # Deadline alerts are timed by their deadline, not by a message.
        _event("a3", "overdue", "m3", fired=21),
        # A bad reply to m1: raised by the reply r1, published 30 s after m1.
        _event("a4", "bad_reply", "m1", fired=31, reply_id="r1"),
    ]
    mails = tmp_path / "mail.jsonl"
    mails.write_text(
        "\n".join(
            [
                _mail("a1", created=3, received=3.5),
                _mail("a1,a2", created=62, received=62.5),
                _mail("a3", created=22, received=22.5),
                _mail("a4", created=32, received=32.5),
            ]
        )
        + "\n"
    )
    lat = notified_latencies(events, mails, published)
    assert sorted(lat.total) == pytest.approx([2.5, 3.5, 52.5])
    # a1: 2 s to fire + 0.5 s to deliver; a2: 2 s to fire + 0.5 s, its 50 s in the group aside.
    assert sorted(lat.ungrouped) == pytest.approx([1.5, 2.5, 2.5])
