"""Outages on the real servers, each checked by a verifier: every published id is indexed, none
is a dead letter, every notification is delivered exactly once.

Servers that a test stops belong to a private stack of this module (other ports, its own
folder), so the session's stack is never disturbed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from devstack import stack
from devstack.server import Server
from devstack.settings import StackSettings
from streams.bench.cluster import process_tree
from streams.deadletters import read
from streams.replay import publish
from tests.e2e.conftest import (
    LocalServer,
    WorkerHandle,
    ago,
    drop_run,
    free_port,
    message,
    private_stack,
    stack_env,
    start_worker,
    twin_worker,
    unheard_alerts,
    wait_for,
)

ROUTES = """
route:
  receiver: mcu
  group_by: [kind, department]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
"""
STREETS = ["Ленина", "Гагарина", "Советская", "Мира", "Строителей", "Энгельса", "Пролетарская"]


def batch(n: int, tag: str) -> list[bytes]:
    """`n` ordinary messages of many authors, a marker in each for the verifier."""
    return [
        message(
            f"Не горит фонарь у дома {i % 90 + 1} на улице {STREETS[i % len(STREETS)]} [{tag}]",
            author={"id": f"{tag}-{i}", "name": "Житель", "is_official": False},
        )
        for i in range(n)
    ]


def ids_of(records: list[bytes]) -> set[str]:
    return {json.loads(r)["id"] for r in records}


def indexed_ids(worker: WorkerHandle, ids: set[str]) -> set[str]:
    search = worker.search
    try:
        search.refresh()
        return {d["id"] for d in search.scan({"ids": {"values": sorted(ids)}}, size=1000)}
    except Exception:  # the engine may be down at this moment
        return set()


def no_dead_letters(worker: WorkerHandle) -> None:
    kafka = worker.settings.kafka
    letters = list(read(kafka.bootstrap, kafka.topics.deadletter))
    assert not letters, [(d.stage, d.reason) for d in letters[:5]]


def publish_all(worker: WorkerHandle, records: list[bytes]) -> None:
    """Publishes like a connector: a chunk that fails while the broker is away is sent again."""
    kafka = worker.settings.kafka
    for start in range(0, len(records), 200):
        chunk = records[start : start + 200]
        deadline = time.monotonic() + 180
        while True:
            try:
                publish(kafka.bootstrap, chunk, kafka.topics.raw)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)


def replay_started(worker: WorkerHandle) -> set[str]:
    """Publishes 1,500 messages and returns their ids once the first 200 are indexed."""
    records = batch(1500, uuid.uuid4().hex[:6])
    ids = ids_of(records)
    publish_all(worker, records)
    wait_for(lambda: len(indexed_ids(worker, ids)) >= 200, timeout=180, interval=0.2)
    return ids


def mailing(tmp: Path, smtp: LocalServer) -> dict[str, str]:
    """Alerts to this SMTP server at once (no group wait to speak of), Telegram nowhere."""
    from streams.settings import CONFIG_DIR

    routes = tmp / "routes.yaml"
    routes.write_text(ROUTES)
    files = [CONFIG_DIR / "rules.yaml", routes, CONFIG_DIR / "roster.yaml"]
    return {
        **unheard_alerts(),
        "MCU_ALERTS__SMTP_PORT": str(smtp.port),
        "MCU_ALERTS__TICK_SECONDS": "1",
        "MCU_ALERTS__CONFIG_FILES": json.dumps([str(f) for f in files]),
    }


@pytest.fixture(scope="module")
def private(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackSettings]:
    settings = private_stack(tmp_path_factory.mktemp("faults"))
    stack.up(settings, say=lambda _: None)
    yield settings
    stack.down(settings, say=lambda _: None)


def server(settings: StackSettings, name: str) -> Server:
    return next(s for s in stack.servers(settings) if s.name == name)


@pytest.mark.e2e
def test_kill_9_during_indexing_loses_nothing(devstack: object, tmp_path: Path) -> None:
    worker = start_worker(tmp_path, unheard_alerts())
    try:
        ids = replay_started(worker)
        worker.kill()
        assert len(indexed_ids(worker, ids)) < len(ids), "killed after the end: nothing to test"
        worker.start()
        all_indexed(worker, ids)
        no_dead_letters(worker)
    finally:
        worker.stop()
        drop_run(worker)


def tagger_child(worker: WorkerHandle) -> int | None:
    """The pid of the worker's tagger process, once it has started."""
    assert worker.proc is not None
    for pid in process_tree(worker.proc.pid)[1:]:
        with contextlib.suppress(OSError):
            if b"streams.tagger_process" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
    return None


@pytest.mark.e2e
def test_the_tagger_process_killed_mid_replay_loses_nothing(
    devstack: object, tmp_path: Path
) -> None:
    worker = start_worker(tmp_path, unheard_alerts())
    try:
        ids = replay_started(worker)
        child = tagger_child(worker)
        assert child is not None, "no tagger process under the worker"
        os.kill(child, signal.SIGKILL)
        assert len(indexed_ids(worker, ids)) < len(ids), "killed after the end: nothing to test"
        all_indexed(worker, ids)
        no_dead_letters(worker)
        assert worker.proc is not None and worker.proc.poll() is None
        replaced = tagger_child(worker)
        assert replaced not in (None, child)
    finally:
        worker.stop()
        drop_run(worker)


def topic_ids(worker: WorkerHandle, topic: str) -> set[str]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=worker.settings.kafka.bootstrap,
        enable_auto_commit=False,
        consumer_timeout_ms=3000,
    )
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        found = set()
        for record in consumer:
            try:
                found.add(json.loads(record.value)["id"])
            except (ValueError, KeyError, TypeError):
                continue
        return found
    finally:
        consumer.close()


def all_indexed(worker: WorkerHandle, ids: set[str]) -> None:
    """Waits until every id is indexed; if not, fails saying where the missing ones stopped."""
    try:
        wait_for(lambda: indexed_ids(worker, ids) == ids, timeout=300)
    except AssertionError:
        raise AssertionError(where_lost(worker, ids)) from None


def where_lost(worker: WorkerHandle, ids: set[str]) -> str:
    """Which stage the ids missing from the index stopped at: the verifier's failure message."""
    missing = ids - indexed_ids(worker, ids)
    topics = worker.settings.kafka.topics
    raw, tagged = topic_ids(worker, topics.raw), topic_ids(worker, topics.tagged)
    return (
        f"{len(missing)} of {len(ids)} not indexed: {len(missing & raw)} in the raw topic, "
        f"{len(missing & tagged)} in the tagged topic"
    )


@pytest.mark.e2e
def test_a_second_worker_joining_mid_replay_loses_nothing(devstack: object, tmp_path: Path) -> None:
    """Fresh topics (nothing committed yet) and a rebalance while records are in flight: the
    case where faust and aiokafka once skipped what they had fetched (streams/acks.py)."""
    worker = start_worker(tmp_path, unheard_alerts())
    second: WorkerHandle | None = None
    try:
        records = batch(2000, uuid.uuid4().hex[:6])
        ids = ids_of(records)
        # The second worker joins the group a moment after its metrics port opens: the records
        # are then being fetched by the first one, nothing of them committed yet.
        second = twin_worker(worker, tmp_path)
        sender = threading.Thread(target=publish_all, args=(worker, records))
        sender.start()
        sender.join(240)
        assert not sender.is_alive()
        wait_for(lambda: indexed_ids(worker, ids) == ids, timeout=300)
        no_dead_letters(worker)
    finally:
        if second is not None:
            second.stop()
        worker.stop()
        drop_run(worker)


@pytest.mark.e2e
def test_kafka_restarted_mid_replay(private: StackSettings, tmp_path: Path) -> None:
    smtp = LocalServer("devstack.smtp_sink", free_port(), tmp_path / "smtp.jsonl")
    smtp.start()
    worker = start_worker(tmp_path, {**mailing(tmp_path, smtp), **stack_env(private)})
    kafka = server(private, "kafka")
    try:
        tag = uuid.uuid4().hex[:6]
        first, second = batch(600, tag), batch(600, tag + "b")
        conflicts = [
            message(f"Вы там совсем обнаглели?! Пятый раз пишу про свет, будем жаловаться! [{t}]")
            for t in (f"{tag}-c1", f"{tag}-c2")
        ]
        ids = ids_of(first + second + conflicts)
        publish_all(worker, first + conflicts[:1])
        wait_for(lambda: indexed_ids(worker, ids), timeout=180, interval=0.2)
        kafka.process.stop()
        time.sleep(5)
        sender = threading.Thread(target=publish_all, args=(worker, second + conflicts[1:]))
        sender.start()
        time.sleep(5)
        kafka.start()
        kafka.wait_ready()
        sender.join(240)
        assert not sender.is_alive()
        wait_for(lambda: indexed_ids(worker, ids) == ids, timeout=300)
        for t in (f"{tag}-c1", f"{tag}-c2"):
            wait_for(lambda t=t: [m for m in smtp.lines() if t in m["text"]], timeout=120)
        time.sleep(3)
        for t in (f"{tag}-c1", f"{tag}-c2"):
            sent = [m["message_id"] for m in smtp.lines() if t in m["text"]]
            assert len(sent) == len(set(sent)), f"e-mail sent twice: {t}"
        no_dead_letters(worker)
    finally:
        if kafka.process.pid() is None:
            kafka.start()
            kafka.wait_ready()
        worker.stop()
        drop_run(worker)
        smtp.stop()


@pytest.mark.e2e
def test_opensearch_stopped_a_minute_mid_replay_while_alerts_go_out(
    private: StackSettings, tmp_path: Path
) -> None:
    smtp = LocalServer("devstack.smtp_sink", free_port(), tmp_path / "smtp.jsonl")
    smtp.start()
    worker = start_worker(tmp_path, {**mailing(tmp_path, smtp), **stack_env(private)})
    engine = server(private, "opensearch")
    try:
        tag = uuid.uuid4().hex[:6]
        first, second = batch(400, tag), batch(400, tag + "b")
        conflict = message(
            f"Вы там совсем обнаглели?! Пятый раз пишу про свет, будем жаловаться! [{tag}-c]"
        )
        ids = ids_of(first + second + [conflict])
        publish_all(worker, first)
        wait_for(lambda: indexed_ids(worker, ids), timeout=180, interval=0.2)
        engine.process.stop()
        stopped = time.monotonic()
        publish_all(worker, [*second, conflict])
        # The engine is down; the conflict's alert goes out all the same.
        wait_for(lambda: [m for m in smtp.lines() if f"{tag}-c" in m["text"]], timeout=50)
        assert engine.process.pid() is None
        time.sleep(max(0.0, 60 - (time.monotonic() - stopped)))
        engine.start()
        engine.wait_ready()
        wait_for(lambda: indexed_ids(worker, ids) == ids, timeout=300)
        to = [r for m in smtp.lines() if f"{tag}-c" in m["text"] for r in m["rcpt_tos"]]
        assert to and len(to) == len(set(to)), f"the alert went out twice: {to}"
        no_dead_letters(worker)
    finally:
        if engine.process.pid() is None:
            engine.start()
            engine.wait_ready()
        worker.stop()
        drop_run(worker)
        smtp.stop()


@pytest.mark.e2e
def test_a_read_only_block_lifted_later(devstack: object, tmp_path: Path) -> None:
    worker = start_worker(tmp_path, unheard_alerts())
    search = worker.search
    try:
        tag = uuid.uuid4().hex[:6]
        warmup = batch(20, tag + "w")
        publish_all(worker, warmup)
        wait_for(lambda: indexed_ids(worker, ids_of(warmup)) == ids_of(warmup), timeout=180)
        blocked = {"index.blocks.read_only_allow_delete": True}
        search.client.indices.put_settings(index=search.index_pattern, body=blocked)
        records = batch(300, tag)
        ids = ids_of(records)
        publish_all(worker, records)
        # The writer retries: after a while nothing is indexed and nothing is dead-lettered.
        time.sleep(15)
        assert not indexed_ids(worker, ids)
        no_dead_letters(worker)
        lifted = {"index.blocks.read_only_allow_delete": None}
        search.client.indices.put_settings(index=search.index_pattern, body=lifted)
        wait_for(lambda: indexed_ids(worker, ids) == ids, timeout=180)
        no_dead_letters(worker)
    finally:
        lifted = {"index.blocks.read_only_allow_delete": None}
        search.client.indices.put_settings(index=search.index_pattern, body=lifted)
        worker.stop()
        drop_run(worker)


class Refusing(BaseHTTPRequestHandler):
    """In front of the real OpenSearch: `_bulk` gets 429 while `refusing` is set."""

    upstream = ""
    refusing = threading.Event()
    refused = 0

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.refusing.is_set() and "_bulk" in self.path:
            type(self).refused += 1
            error = {"type": "es_rejected_execution_exception", "reason": "rejected execution"}
            payload = json.dumps({"error": error, "status": 429}).encode()
            self.send_response(429)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        request = urllib.request.Request(
            self.upstream + self.path,
            data=body if self.command not in ("GET", "HEAD") or body else None,
            method=self.command,
            headers={"Content-Type": self.headers.get("Content-Type") or "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as resp:
                status, data, kind = resp.status, resp.read(), resp.headers.get("Content-Type")
        except urllib.error.HTTPError as err:
            status, data, kind = err.code, err.read(), err.headers.get("Content-Type")
        self.send_response(status)
        self.send_header("Content-Type", kind or "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.e2e
def test_bulk_429_is_retried_not_dead_lettered(devstack: StackSettings, tmp_path: Path) -> None:
    Refusing.upstream = f"http://127.0.0.1:{devstack.devstack.opensearch_port}"
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{proxy.server_address[1]}"
    worker = start_worker(tmp_path, {**unheard_alerts(), "MCU_SEARCH__URL": url})
    try:
        records = batch(300, uuid.uuid4().hex[:6])
        ids = ids_of(records)
        Refusing.refusing.set()
        publish_all(worker, records)
        wait_for(lambda: Refusing.refused >= 3, timeout=120)
        assert not indexed_ids(worker, ids)
        Refusing.refusing.clear()
        wait_for(lambda: indexed_ids(worker, ids) == ids, timeout=180)
        no_dead_letters(worker)
    finally:
        Refusing.refusing.clear()
        worker.stop()
        drop_run(worker)
        proxy.shutdown()


@pytest.mark.e2e
def test_bot_api_down_two_minutes_while_email_arrives_on_time(
    devstack: object, tmp_path: Path
) -> None:
    smtp = LocalServer("devstack.smtp_sink", free_port(), tmp_path / "smtp.jsonl")
    bot = LocalServer("devstack.botapi", free_port(), tmp_path / "botapi.jsonl")
    smtp.start()
    bot_url = f"http://127.0.0.1:{bot.port}"
    worker = start_worker(
        tmp_path,
        {
            **mailing(tmp_path, smtp),
            "MCU_ALERTS__TELEGRAM_BASE_URL": bot_url,
            "MCU_ALERTS__TELEGRAM_TOKEN": "123456:faults-bot-token",
        },
    )
    try:
        tags = [uuid.uuid4().hex[:6] for _ in range(3)]
        records = [
            message(
                f"Безобразие!!! Вы там совсем обнаглели, третий месяц нет света, "
                f"пойдём всем домом к главе! [{t}]",
                created_at=ago(minutes=1),
            )
            for t in tags
        ]
        down_since = time.monotonic()
        publish_all(worker, records)

        def mailed(t: str) -> list[dict[str, Any]]:
            return [m for m in smtp.lines() if t in m["text"]]

        wait_for(lambda: all(mailed(t) for t in tags), timeout=60)
        assert time.monotonic() - down_since < 60, "e-mail waited for Telegram"
        time.sleep(max(0.0, 120 - (time.monotonic() - down_since)))
        bot.start()

        def telegrams(t: str) -> list[dict[str, Any]]:
            return [m for m in bot.lines() if m.get("event") == "sendMessage" and t in str(m)]

        wait_for(lambda: all(telegrams(t) for t in tags), timeout=120)
        time.sleep(5)
        for t in tags:
            sent = [m["message_id"] for m in mailed(t)]
            assert len(sent) == len(set(sent)), f"e-mail twice: {t}"
            assert len(telegrams(t)) == len({json.dumps(m.get("text")) for m in telegrams(t)})
    finally:
        worker.stop()
        drop_run(worker)
        smtp.stop()
        bot.stop()
