"""Incidents on the real servers: busy days, a month of backfill, a killed worker, no search."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reports.period import Period
from reports.summary import summarize
from streams.bench import measure
from streams.bench.corpus import OWN_PAGE, generate
from streams.ratings import fetch, rate
from streams.search.incidents import incidents_index
from streams.settings import CONFIG_DIR, Settings
from tests.e2e.conftest import (
    LocalServer,
    WorkerHandle,
    ago,
    drop_run,
    free_port,
    message,
    port_open,
    settings_from,
    start_worker,
    twin_worker,
    wait_for,
)
from tests.e2e.test_alerts import API_TOKEN, ROUTES, act, unique

BACKFILL = 24


def rules(tmp: Path, own: list[str], backfill_after: str = f"{BACKFILL}h") -> Path:
    text = (CONFIG_DIR / "rules.yaml").read_text(encoding="utf-8")
    text = text.replace("backfill_after: 24h", f"backfill_after: {backfill_after}")
    path = tmp / f"rules-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(text.replace("own_pages: []", f"own_pages: {json.dumps(own)}"))
    return path


@dataclass
class Stack:
    smtp: LocalServer
    bot: LocalServer
    routes: Path

    def env(self, rules_file: Path, api_port: int) -> dict[str, str]:
        files = [str(rules_file), str(self.routes), str(CONFIG_DIR / "roster.yaml")]
        return {
            "MCU_ALERTS__CONFIG_FILES": json.dumps(files),
            "MCU_ALERTS__TICK_SECONDS": "1",
            "MCU_ALERTS__SMTP_PORT": str(self.smtp.port),
            "MCU_ALERTS__TELEGRAM_BASE_URL": f"http://127.0.0.1:{self.bot.port}",
            "MCU_ALERTS__TELEGRAM_TOKEN": "123456:test-bot-token",
            "MCU_ALERTS__API_PORT": str(api_port),
            "MCU_ALERTS__API_TOKEN": API_TOKEN,
        }

    def mails(self, needle: str = "") -> list[dict[str, Any]]:
        return [m for m in self.smtp.lines() if needle in m["text"]]


@pytest.fixture
def stack(devstack: Settings, tmp_path: Path) -> Iterator[Stack]:
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES)
    smtp = LocalServer("devstack.smtp_sink", free_port(), tmp_path / "smtp.jsonl")
    bot = LocalServer("devstack.botapi", free_port(), tmp_path / "botapi.jsonl")
    smtp.start()
    bot.start()
    yield Stack(smtp, bot, routes)
    smtp.stop()
    bot.stop()


def settle(worker: WorkerHandle, total: int, timeout: float = 900) -> None:
    """Every message indexed and every topic read to its end (a positive event)."""
    s = worker.settings
    search = worker.search

    def done() -> bool:
        search.refresh()
        if search.count() < total:
            return False
        lag = measure.lags(s.kafka.bootstrap, s.worker.app_id, s.kafka.topic_prefix)
        return measure.settled(lag, s.kafka.partitions)

    wait_for(done, timeout=timeout, interval=2)


def api_alerts(port: int) -> list[dict[str, Any]]:
    return measure.open_alerts(port, API_TOKEN)


def raw(messages: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(m, ensure_ascii=False).encode() for m in messages]


def test_busy_public_days_give_incidents_not_alerts(stack: Stack, tmp_path: Path) -> None:
    # Four days of a busy town, every message live (nothing backfilled): the operator's list.
    api = free_port()
    own = rules(tmp_path, [f"{OWN_PAGE}_"], backfill_after="5d")
    worker = start_worker(tmp_path, stack.env(own, api))
    try:
        days = generate(6000, days=4, run=uuid.uuid4().hex[:4])
        worker.publish(raw(days))
        settle(worker, len(days))
        wait_for(lambda: port_open(api), timeout=60)
        alerts = api_alerts(api)
        incidents = measure.incidents(worker.search, worker.settings.search.index_prefix)
        assert len(alerts) <= len(days) / 20, f"{len(alerts)} open alerts"
        assert len(incidents) < len(days) / 4
        for alert in alerts:
            incident = incidents.get(alert["item_id"])
            assert incident is not None, alert
            assert incident["messages"] >= 1

        # Kibana finds an incident's messages by incident_id.
        # The incident's document is written by the status indexer a moment after its last
        # message: the two agree once it has caught up. Known (issue 11's note): on some runs
        # the biggest incident counts 498 messages while 500 documents carry its id; within 1 %.
        seen: list[tuple[int, int]] = []

        def agree() -> bool:
            found = measure.incidents(worker.search, worker.settings.search.index_prefix)
            biggest = max(found.values(), key=lambda i: i["messages"])
            worker.search.refresh()
            members = worker.search.count({"term": {"incident_id": biggest["id"]}})
            seen.append((members, int(biggest["messages"])))
            return abs(members - biggest["messages"]) <= max(1, biggest["messages"] // 100)

        try:
            wait_for(agree, timeout=60, interval=2)
        except AssertionError:
            raise AssertionError(f"documents vs the incident's count: {seen[-3:]}") from None
    finally:
        worker.stop()
        drop_run(worker)


def test_a_month_of_backfill_pages_nobody_but_is_rated(stack: Stack, tmp_path: Path) -> None:
    api = free_port()
    worker = start_worker(tmp_path, stack.env(rules(tmp_path, [f"{OWN_PAGE}_"]), api))
    try:
        now = datetime.now(UTC)
        month = generate(1500, days=30, now=now - timedelta(hours=BACKFILL + 2), run="m")
        worker.publish(raw(month))
        settle(worker, len(month))
        # A live conflict after the month: its alert is the first and only page.
        text, tag = unique("Вы там совсем обнаглели?! Приду и устрою вам, третий день без воды!")
        worker.publish([message(text, created_at=now.isoformat())])
        wait_for(lambda: stack.mails(tag), timeout=120)
        assert all(tag in m["text"] for m in stack.mails()), "paged about last month"
        assert all(tag in m["text"] for m in stack.bot.lines() if "text" in m)
        # Ratings and the report still count last month's overdue incidents.
        period = Period.last_days(now, 31)
        rows = rate(worker.search, period, now)
        assert sum(r.due for r in rows) > sum(r.on_time for r in rows) > 0
        summary = summarize(fetch(worker.search, period, now), period, rows, as_of=now)
        assert summary.overdue
        search = worker.search
        name = incidents_index(worker.settings.search.index_prefix)
        search.client.indices.refresh(index=name)
        late = search.client.count(index=name, body={"query": {"term": {"overdue": True}}})
        assert late["count"] > 0
        backfilled = search.client.count(index=name, body={"query": {"term": {"backfill": True}}})
        assert backfilled["count"] > 0
    finally:
        worker.stop()
        drop_run(worker)


def _complaints(streets: list[str]) -> list[tuple[bytes, str]]:
    out = []
    for n, street in enumerate(streets):
        text, tag = unique(f"Который месяц не вывозят мусор на улице {street}, сколько можно?!")
        author = {"id": f"kill-{n}-{tag}", "name": "Житель", "is_official": False}
        out.append((message(text, created_at=ago(days=10), author=author), tag))
    return out


def test_kill_9_of_one_of_two_workers_loses_nothing_and_repeats_nothing(
    stack: Stack, tmp_path: Path
) -> None:
    api_a, api_b = free_port(), free_port()
    env = stack.env(rules(tmp_path, ["test:"], backfill_after="400d"), api_a)
    env["MCU_ALERTS__JOURNAL_DIR"] = str(tmp_path / "journal")
    first = start_worker(tmp_path, env)
    second = twin_worker(first, tmp_path, api_b)
    try:
        batch = _complaints(["Ленина", "Мира", "Гагарина", "Пушкина"])
        first.publish([r for r, _ in batch])
        wait_for(lambda: all(stack.mails(tag) for _, tag in batch), timeout=180)
        wait_for(lambda: port_open(api_b), timeout=60)

        def first_alert() -> dict | None:
            listed = api_alerts(api_b)
            return next((a for a in listed if batch[0][1] in a["annotations"]["text"]), None)

        # The second worker lists the alert once it has read the alert state, which can be a
        # moment after its API opens. Acknowledged through that worker's API: the ack reaches the
        # owning partition.
        wait_for(lambda: first_alert() is not None, timeout=60)
        target = first_alert()
        assert target is not None
        act(api_b, target["id"], "ack")
        wait_for(lambda: _acked(api_a, target["id"]), timeout=60)

        more = _complaints(["Чкалова", "Куйбышева", "Фрунзе", "Луначарского", "Свердлова"])
        first.publish([r for r, _ in more])
        wait_for(lambda: any(stack.mails(tag) for _, tag in more), timeout=180)
        first.kill()
        wait_for(lambda: all(stack.mails(tag) for _, tag in more), timeout=300)
        settle(second, len(batch) + len(more), timeout=300)
        mails = stack.mails()
        keys = Counter(m["headers"]["X-MCU-Delivery-Key"] for m in mails)
        twice = [
            (m["headers"]["X-MCU-Delivery-Key"], m["received_at"])
            for m in mails
            if keys[m["headers"]["X-MCU-Delivery-Key"]] > 1
        ]
        assert not twice, f"a notification went out twice (key, received at): {twice}"
        sent = [(m.get("chat_id"), m.get("text")) for m in stack.bot.lines() if m.get("text")]
        assert len(sent) == len(set(sent)), "a Telegram message went out twice"
        alerts = api_alerts(api_b)
        for _, tag in [*batch, *more]:
            assert any(tag in a["annotations"].get("text", "") for a in alerts), f"lost: {tag}"
        assert _acked(api_b, target["id"]), "the acknowledgement was lost"
    finally:
        second.stop()
        first.stop()
        drop_run(first)


def _acked(port: int, alert_id: str) -> bool:
    return any(a["id"] == alert_id and a.get("acked_by") for a in api_alerts(port))


def test_alerts_go_out_while_the_status_indexer_cannot_reach_the_search_engine(
    stack: Stack, tmp_path: Path
) -> None:
    api = free_port()
    env = stack.env(rules(tmp_path, ["test:"]), api)
    # Only the status indexer points at a closed port; messages are still indexed.
    closed = {"MCU_ALERTS__STATUS_SEARCH_URL": f"http://127.0.0.1:{free_port()}"}
    worker = start_worker(tmp_path, {**env, **closed})
    try:
        text, tag = unique("Я приду и подожгу вашу управляющую компанию, если не дадите тепло!!!")
        record = message(text, created_at=datetime.now(UTC).isoformat())
        worker.publish([record])
        wait_for(
            lambda: stack.mails(tag) and any(tag in m.get("text", "") for m in stack.bot.lines()),
            120,
        )
        ident = json.loads(record)["id"]
        search = worker.search

        def doc() -> dict[str, Any]:
            search.refresh()
            hits = list(search.scan({"ids": {"values": [ident]}}))
            return hits[0] if hits else {}

        wait_for(lambda: doc().get("nlp"), timeout=60)
        assert "incident_id" not in doc()
        # The engine is back (the worker restarts with the right address): nothing was lost.
        worker.stop()
        restarted = {k: v for k, v in worker.env.items() if k not in closed}
        restarted["MCU_WORKER__METRICS_PORT"] = str(free_port())
        restarted["MCU_WORKER__WEB_PORT"] = str(free_port())
        worker.env, worker.settings = restarted, settings_from(restarted)
        worker.start()
        wait_for(lambda: doc().get("incident_id") == ident, timeout=120)
    finally:
        worker.stop()
        drop_run(worker)
