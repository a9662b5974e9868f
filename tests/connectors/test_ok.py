"""Odnoklassniki connector against the local fb.do server (sig checked) and the real Kafka."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devstack.fakes.ok import create_app
from devstack.fakes.runner import AppThread
from tests.connectors.support import Run, http, wait_for

GID = "53038939046008"
APP, TOKEN, SECRET = "CBAEMCUAPP", "ok-access-token-1", "ok-secret-key-1"


class FakeOk:
    def __init__(self, server: AppThread) -> None:
        self.server = server

    def __call__(self, path: str, **body: Any) -> Any:
        return http(f"{self.server.url}/_test/{path}", body)

    def topic(self, text: str, **extra: Any) -> str:
        return str(self("topic", gid=GID, text=text, **extra)["id"])

    def comment(self, topic: str, text: str, author: str = "5812", **extra: Any) -> str:
        return str(self("comment", topic=topic, text=text, author_id=author, **extra)["id"])


@pytest.fixture
def fake() -> Iterator[FakeOk]:
    with AppThread(lambda: create_app(APP, TOKEN, SECRET)) as server:
        yield FakeOk(server)


def start(run: Run, fake: FakeOk, **extra: str) -> None:
    run.env.update(
        {
            "MCU_CONNECTORS__OK__ENABLED": "true",
            "MCU_CONNECTORS__OK__API_URL": f"{fake.server.url}/fb.do",
            "MCU_CONNECTORS__OK__APPLICATION_KEY": APP,
            "MCU_CONNECTORS__OK__ACCESS_TOKEN": TOKEN,
            "MCU_CONNECTORS__OK__SECRET_KEY": SECRET,
            "MCU_CONNECTORS__OK__GROUPS": f'["{GID}"]',
            "MCU_CONNECTORS__OK__POLL_SECONDS": "0.5",
            **extra,
        }
    )
    run.start("connect", "ok")


def test_kill_9_mid_batch_and_restart(fake: FakeOk, run: Run) -> None:
    topics = [
        fake.topic(f"Ремонт дороги на Карла Маркса, участок {n}", author_ref="user:5812")
        for n in range(3)
    ]
    expected = {f"ok:{GID}_{t}" for t in topics}
    for t in topics:
        for n in range(2):
            expected.add(f"ok:{GID}_{t}_{fake.comment(t, f'Когда закончат? {n}')}")
    fake("hold", method="discussions.getComments")
    start(run, fake)
    wait_for(lambda: http(f"{fake.server.url}/_test/status")["waiting"] >= 1)
    run.kill9()
    assert run.ids() == {f"ok:{GID}_{t}" for t in topics}
    fake("release")
    run.start("connect", "ok")
    run.wait_ids(expected)
    assert run.ids() == expected and len(run.messages()) == len(expected)


def test_flood_blocked_and_signature(fake: FakeOk, run: Run) -> None:
    fake("fail", method="mediatopic.getTopics", code=8, times=2)
    topic = fake.topic("Не вывозят мусор с площадки на Энгельса")
    start(run, fake)
    run.wait_metrics()
    run.wait_ids({f"ok:{GID}_{topic}"})
    assert run.metric("mcu_connector_api_errors_total", connector="ok", code="8") == 2


def test_edits_deletions_reshares_and_official_replies(fake: FakeOk, run: Run) -> None:
    start(run, fake)
    question = fake.topic("Почему не работает фонтан в сквере?", author_ref="user:5812")
    spam = fake.topic("Купите окна", author_ref="user:77")
    shared = fake.topic(
        "",
        author_ref="user:90",
        reshare_of={"group_id": "555", "topic_id": "42", "text": "Прорыв трубы"},
    )
    ids = {f"ok:{GID}_{t}" for t in (question, spam, shared)}
    run.wait_ids(ids)
    asked = fake.comment(question, "Тоже интересно")
    answer = fake.comment(
        question, "Фонтан на ремонте до мая", author=GID, author_type="GROUP", reply_to=asked
    )
    fake("edit_topic", topic=question, text="Почему второй месяц не работает фонтан в сквере?")
    fake("delete_topic", topic=spam)
    run.wait_ids({f"ok:{GID}_{question}_{answer}"})
    wait_for(lambda: len(run.messages()) >= 7, what="правка и удаление")
    got: dict[str, list[dict[str, Any]]] = {}
    for m in run.messages():
        got.setdefault(m["id"], []).append(m)
    assert [m.get("status") for m in got[f"ok:{GID}_{question}"]] == [None, "edited"]
    assert [m.get("status") for m in got[f"ok:{GID}_{spam}"]] == [None, "deleted"]
    assert got[f"ok:{GID}_{shared}"][0]["original_id"] == "ok:555_42"
    [reply] = got[f"ok:{GID}_{question}_{answer}"]
    assert reply["kind"] == "reply" and reply["author"]["is_official"] is True
    assert reply["parent_id"] == f"ok:{GID}_{question}_{asked}"


def test_a_wrong_secret_key_stops_the_connector(fake: FakeOk, run: Run) -> None:
    start(run, fake, MCU_CONNECTORS__OK__SECRET_KEY="wrong-secret-key")
    assert run.wait_exit() == 2
    log = run.log.read_text()
    assert "MCU_CONNECTORS__OK__SECRET_KEY" in log and "wrong-secret-key" not in log
