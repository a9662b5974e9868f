"""MAX Bot API connector against the local MAX server (devstack/fakes/maxbot.py) and real Kafka."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devstack.fakes.maxbot import create_app
from devstack.fakes.runner import AppThread
from tests.connectors.support import Run, http, wait_for

TOKEN = "max-bot-token-0451"
CHAT = -7001
OFFICIAL = 9001


class FakeMax:
    def __init__(self, server: AppThread) -> None:
        self.server = server

    def __call__(self, path: str, **body: Any) -> Any:
        return http(f"{self.server.url}/_test/{path}", body)

    def say(self, text: str, user: int = 77, **extra: Any) -> str:
        return str(self("message", chat_id=CHAT, user_id=user, text=text, **extra)["mid"])


@pytest.fixture
def fake() -> Iterator[FakeMax]:
    with AppThread(lambda: create_app(TOKEN)) as server:
        yield FakeMax(server)


def start(run: Run, fake: FakeMax, **extra: str) -> None:
    run.env.update(
        {
            "MCU_CONNECTORS__MAX__ENABLED": "true",
            "MCU_CONNECTORS__MAX__BASE_URL": fake.server.url,
            "MCU_CONNECTORS__MAX__TOKEN": TOKEN,
            "MCU_CONNECTORS__MAX__POLL_TIMEOUT": "1",
            "MCU_CONNECTORS__MAX__OFFICIAL_IDS": f"[{OFFICIAL}]",
            **extra,
        }
    )
    run.start("connect", "max")
    run.wait_metrics()


def ready(run: Run) -> None:
    """Without a marker MAX sends only the last update: wait until the first marker is kept."""
    wait_for(lambda: "max:updates" in run.cursors(), what="первый marker")


def test_kill_9_and_restart_keep_every_message(fake: FakeMax, run: Run) -> None:
    start(run, fake)
    ready(run)
    first = [fake.say(f"На Молокова {n} прорвало трубу") for n in range(3)]
    run.wait_ids({f"max:{CHAT}/{m}" for m in first})
    fake("hold", method="updates")
    wait_for(lambda: http(f"{fake.server.url}/_test/status")["waiting"] >= 1)
    second = [fake.say(f"Вода заливает подвал, дом {n}") for n in range(2)]
    run.kill9()
    fake("release")
    run.start("connect", "max")
    expected = {f"max:{CHAT}/{m}" for m in first + second}
    run.wait_ids(expected)
    assert run.ids() == expected
    assert len(run.messages()) == len(expected)  # the restart resumed from the cursor
    wait_for(lambda: run.cursors()["max:updates"]["marker"] == 5, what="marker")


def test_too_many_requests_slows_down_and_loses_nothing(fake: FakeMax, run: Run) -> None:
    start(run, fake)
    ready(run)
    fake("fail", method="updates", status=429, times=3)
    mids = [fake.say(f"Сообщение {n}: не работает светофор на Ленина") for n in range(4)]
    run.wait_ids({f"max:{CHAT}/{m}" for m in mids})
    assert run.metric("mcu_connector_api_errors_total", connector="max", code="429") == 3


def test_edit_removal_forward_and_official_reply(fake: FakeMax, run: Run) -> None:
    start(run, fake)
    ready(run)
    question = fake.say("Когда откроют каток на стадионе?", name="Денис")
    fake("edit", mid=question, text="Когда откроют каток на стадионе «Восток»?")
    answer = fake.say("Денис, каток откроется 15 декабря.", user=OFFICIAL, reply_to=question)
    forward = fake.say("Переслано", forward_chat_id=-7002, forward_mid="mid.orig1")
    spam = fake.say("Продам дрова недорого")
    fake("remove", mid=spam)
    ids = [f"max:{CHAT}/{m}" for m in (question, answer, forward, spam)]
    run.wait_ids(set(ids))
    wait_for(lambda: len(run.messages()) >= 6, what="правка и удаление")
    got: dict[str, list[dict[str, Any]]] = {}
    for m in run.messages():
        got.setdefault(m["id"], []).append(m)
    assert [m.get("status") for m in got[ids[0]]] == [None, "edited"]
    assert "«Восток»" in got[ids[0]][1]["text"]
    [reply] = got[ids[1]]
    assert reply["kind"] == "reply" and reply["author"]["is_official"] is True
    assert reply["parent_id"] == ids[0]
    assert got[ids[2]][0]["original_id"] == "max:-7002/mid.orig1"
    assert [m.get("status") for m in got[ids[3]]] == [None, "deleted"]


def test_a_rejected_token_stops_the_connector(fake: FakeMax, run: Run) -> None:
    run.env.update(
        {
            "MCU_CONNECTORS__MAX__BASE_URL": fake.server.url,
            "MCU_CONNECTORS__MAX__TOKEN": "stolen-token-0000",
        }
    )
    run.start("connect", "max")
    assert run.wait_exit() == 2
    log = run.log.read_text()
    assert "MCU_CONNECTORS__MAX__TOKEN" in log and "stolen-token-0000" not in log
