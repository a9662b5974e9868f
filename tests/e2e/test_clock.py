"""The worker on a clock moved ahead (libfaketime): the ratings window never depends on the date.

The worker runs on the 1st of a month more than a year from today, so a calendar-month window
would be empty; the rolling window still rates yesterday's complaint and its answer.
"""

from __future__ import annotations

import json
import math
import re
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from streams.search import written_by_index
from tests.e2e.conftest import (
    LOCAL,
    WorkerHandle,
    ago,
    drop_run,
    message,
    start_worker,
    unheard_alerts,
    wait_for,
)

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


def first_of_month_ahead(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@pytest.fixture(scope="module")
def moved() -> datetime:
    """10:00 local on the 1st of the month 13 months from today's real date."""
    day = first_of_month_ahead(datetime.now(LOCAL).date(), 13)
    return datetime.combine(day, time(10), tzinfo=LOCAL)


@pytest.fixture(scope="module")
def late_worker(
    devstack: object, moved: datetime, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerHandle]:
    if not LIBFAKETIME.exists():
        pytest.fail("нужен libfaketime: apt-get install faketime (scripts/setup ставит его)")
    tmp = tmp_path_factory.mktemp("late-worker")
    handle = start_worker(
        tmp,
        {
            "LD_PRELOAD": str(LIBFAKETIME),
            "FAKETIME": "@" + moved.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "TZ": "UTC",
            **unheard_alerts(),
            "MCU_WORKER__RATINGS_SECONDS": "2",
        },
    )
    yield handle
    handle.stop()
    drop_run(handle)


def metrics_text(handle: WorkerHandle) -> str:
    url = f"http://127.0.0.1:{handle.settings.worker.metrics_port}/metrics"
    with urllib.request.urlopen(url, timeout=10) as resp:
        return str(resp.read().decode())


def gauges(handle: WorkerHandle, name: str) -> dict[str, float]:
    pattern = re.compile(rf'^{name}\{{department="([^"]+)"\}} (\S+)$', re.M)
    return {d: float(v) for d, v in pattern.findall(metrics_text(handle))}


def test_ratings_on_the_first_of_a_month_a_year_ahead(
    late_worker: WorkerHandle, moved: datetime
) -> None:
    # A letter: it must be answered (a post in some public would need reach first).
    complaint = message(
        "Во дворе дома на Ленина, 12 уже неделю не вывозят мусор, когда это прекратится?",
        source="email",
        kind="appeal",
        created_at=ago(moved, hours=20),
    )
    complaint_id = json.loads(complaint)["id"]
    reply = message(
        "Здравствуйте! Контейнеры во дворе на Ленина, 12 вывезены сегодня, график вывоза ТКО "
        "восстановлен. Начальник отдела ЖКХ Бессонов Е.А.",
        kind="reply",
        thread_id=complaint_id,
        parent_id=complaint_id,
        created_at=ago(moved, hours=18),
        author={"id": "adm", "name": "Администрация", "is_official": True},
    )
    assert late_worker.publish([complaint, reply]) == 2
    search = late_worker.search
    wait_for(lambda: (search.refresh(), search.count(written_by_index([complaint_id])))[1] == 1)

    def rated() -> bool:
        received = gauges(late_worker, "mcu_rating_received")
        return any(v > 0 for v in received.values())

    wait_for(rated, timeout=60)
    received = gauges(late_worker, "mcu_rating_received")
    department = max(received, key=lambda d: received[d])
    on_time = gauges(late_worker, "mcu_rating_on_time_share")[department]
    assert received[department] >= 1
    assert not math.isnan(on_time), f"{department}: доля ответов в срок не посчитана"
    # The window ends on the worker's (moved) today, not on the real one.
    end = gauge(late_worker, "mcu_rating_period_end_timestamp_seconds")
    assert end >= moved.timestamp()


def gauge(handle: WorkerHandle, name: str) -> float:
    found = re.search(rf"^{name} (\S+)$", metrics_text(handle), re.M)
    assert found, f"{name} нет в /metrics"
    return float(found.group(1))
