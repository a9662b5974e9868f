"""VK connector against the local VK API (devstack/fakes/vk.py) and the real local Kafka."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devstack.fakes.runner import AppThread
from devstack.fakes.vk import create_app
from streams.records import parse_message
from tests.connectors.support import Run, http, wait_for

TOKEN = "vk-test-token-5f1e"
GROUP = 200  # the administered community
PUBLIC = -300  # a local public we only read


class FakeVk:
    def __init__(self, server: AppThread) -> None:
        self.server = server

    def __call__(self, path: str, **body: Any) -> Any:
        return http(f"{self.server.url}/_test/{path}", body)

    def status(self) -> dict[str, Any]:
        return dict(http(f"{self.server.url}/_test/status"))

    def post(self, owner: int, text: str, **extra: Any) -> int:
        return int(self("post", owner_id=owner, text=text, **extra)["id"])

    def comment(self, owner: int, post: int, from_id: int, text: str, **extra: Any) -> int:
        return int(
            self("comment", owner_id=owner, post_id=post, from_id=from_id, text=text, **extra)["id"]
        )


@pytest.fixture
def fake() -> Iterator[FakeVk]:
    with AppThread(lambda: create_app(TOKEN)) as server:
        yield FakeVk(server)


def env(fake: FakeVk, **extra: str) -> dict[str, str]:
    return {
        "MCU_CONNECTORS__VK__ENABLED": "true",
        "MCU_CONNECTORS__VK__API_URL": f"{fake.server.url}/method",
        "MCU_CONNECTORS__VK__TOKEN": TOKEN,
        "MCU_CONNECTORS__VK__GROUP_ID": str(GROUP),
        "MCU_CONNECTORS__VK__WALLS": f"[{PUBLIC}]",
        "MCU_CONNECTORS__VK__POLL_SECONDS": "0.5",
        **extra,
    }


def by_id(messages: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for m in messages:
        out.setdefault(m["id"], []).append(m)
    return out


def test_poll_survives_kill_9_mid_batch(fake: FakeVk, run: Run) -> None:
    posts = [fake.post(PUBLIC, f"На улице Ленина {n} нет света третий день") for n in (1, 2, 3)]
    expected = {f"vk:{PUBLIC}_{p}" for p in posts}
    for p in posts:
        for k in range(3):
            c = fake.comment(PUBLIC, p, 1000 + k, f"Подтверждаю, дом {k} тоже без света")
            expected.add(f"vk:{PUBLIC}_{p}_{c}")
    fake("hold", method="execute")  # the comments batch hangs: posts are out, comments not
    run.env.update(env(fake))
    run.start("connect", "vk")
    wait_for(lambda: fake.status()["waiting"] >= 1, 60, "запрос комментариев")
    run.kill9()
    before = run.ids()
    assert before == {f"vk:{PUBLIC}_{p}" for p in posts}
    fake("release")
    run.start("connect", "vk")
    messages = run.wait_ids(expected)
    assert run.ids() == expected  # nothing invented
    for m in messages:
        parse_message(json_bytes(m))  # the pipeline's own validation takes every record
    cursor = run.cursors()[f"vk:wall:{PUBLIC}"]
    assert cursor["max_id"] == max(posts)
    assert all(cursor["posts"][str(p)]["last"] == 3 * (i + 1) for i, p in enumerate(posts))


def json_bytes(m: dict[str, Any]) -> bytes:
    import json

    return json.dumps(m, ensure_ascii=False).encode()
