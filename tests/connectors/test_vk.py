"""VK connector against the local VK API (devstack/fakes/vk.py) and the real local Kafka."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devstack.fakes.runner import AppThread
from devstack.fakes.vk import create_app
from streams.records import parse_message
from tests.connectors.support import Run, http, listening, wait_for

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
    assert len(run.messages()) == len(expected)  # the restart resumed from the cursor
    for m in messages:
        parse_message(json_bytes(m))  # the pipeline's own validation takes every record
    cursor = run.cursors()[f"vk:wall:{PUBLIC}"]
    assert cursor["max_id"] == max(posts)
    assert all(cursor["posts"][str(p)]["last"] == 3 * (i + 1) for i, p in enumerate(posts))


def json_bytes(m: dict[str, Any]) -> bytes:
    import json

    return json.dumps(m, ensure_ascii=False).encode()


def test_rate_limit_errors_slow_it_down_and_lose_nothing(fake: FakeVk, run: Run) -> None:
    walls = [PUBLIC, PUBLIC - 1, PUBLIC - 2]
    expected = set()
    for owner in walls:
        for n in range(1, 3):
            p = fake.post(owner, f"Автобус №{n} опять не пришёл, ждали час")
            c = fake.comment(owner, p, 1001, "И у нас на остановке так же")
            expected |= {f"vk:{owner}_{p}", f"vk:{owner}_{p}_{c}"}
    fake("rate", rate=2)  # stricter than the 20/s of a community token: VK answers error 6
    fake("fail", method="wall.get", code=29, retry_after=1)
    fake("fail", method="execute", code=9, retry_after=1)
    run.env.update(env(fake, MCU_CONNECTORS__VK__WALLS=str(walls)))
    run.start("connect", "vk")
    run.wait_metrics()
    run.wait_ids(expected)
    assert run.ids() == expected
    assert run.metric("mcu_connector_api_errors_total", connector="vk", code="29") == 1
    assert run.metric("mcu_connector_api_errors_total", connector="vk", code="9") == 1
    wait_for(lambda: run.metric("mcu_connector_api_errors_total", connector="vk", code="6") >= 1)
    assert fake.status()["limited"] >= 1
    assert run.metric("mcu_connector_fetched_total", connector="vk", source="vk") >= len(expected)


def test_long_poll_edits_deletions_reposts_and_official_replies(fake: FakeVk, run: Run) -> None:
    own = -GROUP
    fake("profile", id=own, name="Администрация Камышловского городского округа")
    fake("profile", id=1001, first_name="Ирина", last_name="Котова")
    run.env.update(env(fake, MCU_CONNECTORS__VK__MODE="longpoll", MCU_CONNECTORS__VK__WALLS="[]"))
    run.start("connect", "vk")
    run.wait_metrics()
    wait_for(lambda: f"vk:{GROUP}" not in str(run.cursors()) and "vk:longpoll" in run.cursors())
    post = fake.post(own, "Плановое отключение воды на улице Гагарина 12 марта")
    complaint = fake.comment(own, post, 1001, "Воду отключили и на Советской, хотя не объявляли")
    answer = fake.comment(
        own,
        post,
        own,
        "Ирина, авария на Советской устраняется, воду дадут к 18:00",
        reply_to_comment=complaint,
    )
    fake("edit_comment", owner_id=own, post_id=post, id=complaint, text="Воды нет на Советской 5")
    fake("delete_comment", owner_id=own, post_id=post, id=complaint)
    repost = fake.post(
        own, "", copy_history=[{"id": 77, "owner_id": PUBLIC, "text": "Прорыв трубы на Советской"}]
    )
    ids = {
        "post": f"vk:{own}_{post}",
        "complaint": f"vk:{own}_{post}_{complaint}",
        "answer": f"vk:{own}_{post}_{answer}",
        "repost": f"vk:{own}_{repost}",
    }
    run.wait_ids(set(ids.values()))
    wait_for(lambda: len(by_id(run.messages())[ids["complaint"]]) == 3, what="правка и удаление")
    got = by_id(run.messages())
    first, edited, deleted = got[ids["complaint"]]
    assert "status" not in first
    assert first["author"] == {"id": "vk:1001", "name": None, "is_official": False}
    assert edited["status"] == "edited" and edited["text"] == "Воды нет на Советской 5"
    assert deleted["status"] == "deleted" and deleted["thread_id"] == ids["post"]
    [reply] = got[ids["answer"]]
    assert reply["kind"] == "reply" and reply["author"]["is_official"] is True
    assert reply["parent_id"] == ids["complaint"] and reply["thread_id"] == ids["post"]
    [shared] = got[ids["repost"]]
    assert shared["original_id"] == f"vk:{PUBLIC}_77" and "Прорыв трубы" in shared["text"]
    # Long Poll failures: 1 (history lost), 2 (key expired), 3 (info lost) — nothing is lost.
    for failed in (1, 2, 3):
        fake("longpoll_fail", failed=failed)
    late = fake.comment(own, post, 1002, "А когда дадут горячую воду?")
    run.wait_ids({f"vk:{own}_{post}_{late}"})
    assert run.metric("mcu_connector_api_errors_total", connector="vk", code="longpoll_3") == 1


def test_polled_wall_sees_edited_and_deleted_posts(fake: FakeVk, run: Run) -> None:
    keep = fake.post(PUBLIC, "Яма на Свердлова у рынка")
    gone = fake.post(PUBLIC, "Продам гараж")
    run.env.update(env(fake))
    run.start("connect", "vk")
    run.wait_ids({f"vk:{PUBLIC}_{keep}", f"vk:{PUBLIC}_{gone}"})
    fake("edit_post", owner_id=PUBLIC, post_id=keep, text="Яма на Свердлова у рынка стала глубже")
    fake("delete_post", owner_id=PUBLIC, post_id=gone)

    def statuses() -> dict[str, set[str]]:
        return {k: {m.get("status", "") for m in v} for k, v in by_id(run.messages()).items()}

    wait_for(
        lambda: (
            "edited" in statuses()[f"vk:{PUBLIC}_{keep}"]
            and "deleted" in statuses()[f"vk:{PUBLIC}_{gone}"]
        ),
        what="правка и удаление записи",
    )


def test_callback_api_confirms_checks_the_secret_and_dedups_retries(fake: FakeVk, run: Run) -> None:
    from tests.connectors.support import free_port

    port = free_port()
    run.env.update(
        env(
            fake,
            MCU_CONNECTORS__VK__MODE="callback",
            MCU_CONNECTORS__VK__WALLS="[]",
            MCU_CONNECTORS__VK__CALLBACK_PORT=str(port),
            MCU_CONNECTORS__VK__CALLBACK_CONFIRMATION="a1b2c3d4",
            MCU_CONNECTORS__VK__CALLBACK_SECRET="cb-secret-9",
        )
    )
    run.start("connect", "vk")
    run.wait_metrics()
    url = f"http://127.0.0.1:{port}/"
    wait_for(lambda: listening(port), what="сервер Callback API")
    wrong = fake("callback", url=url, group_id=GROUP, secret="wrong", confirmation="a1b2c3d4")
    assert wrong["confirmed"] is False and wrong["answer"] == "bad secret"
    ok = fake(
        "callback",
        url=url,
        group_id=GROUP,
        secret="cb-secret-9",
        confirmation="a1b2c3d4",
        duplicate=True,
    )
    assert ok["confirmed"] is True
    post = fake.post(-GROUP, "Когда уберут снег во дворе на Ленина 3?")
    mid = f"vk:{-GROUP}_{post}"
    run.wait_ids({mid})
    wait_for(lambda: _delivered(fake) >= 2, what="повторная доставка события")
    assert [m["id"] for m in run.messages()].count(mid) == 1  # the retry was recognised


def _delivered(fake: FakeVk) -> int:
    return len(http(f"{fake.server.url}/_test/callbacks")["delivered"])


def test_a_rejected_token_stops_the_connector_with_the_setting_named(
    fake: FakeVk, run: Run
) -> None:
    run.env.update(env(fake, MCU_CONNECTORS__VK__TOKEN="wrong-token-1234"))
    fake.post(PUBLIC, "Текст")
    run.start("connect", "vk")
    assert run.wait_exit() == 2
    log = run.log.read_text()
    assert "MCU_CONNECTORS__VK__TOKEN" in log and "остановлен" in log
    assert "wrong-token-1234" not in log


def test_keyword_search_in_overlapping_windows_sends_each_post_once(fake: FakeVk, run: Run) -> None:
    other = -777
    hit = fake.post(other, "В Камышлове на Ленина опять прорвало трубу")
    fake.post(other, "Продаю велосипед в Ирбите")
    run.env.update(
        env(
            fake,
            MCU_CONNECTORS__VK__WALLS="[]",
            MCU_CONNECTORS__VK__SEARCH="true",
            MCU_CONNECTORS__VK__KEYWORDS='["Камышлов"]',
        )
    )
    run.start("connect", "vk")
    run.wait_ids({f"vk:{other}_{hit}"})
    later = fake.post(other, "Камышлов: когда откроют мост?")
    run.wait_ids({f"vk:{other}_{later}"})
    assert run.ids() == {f"vk:{other}_{hit}", f"vk:{other}_{later}"}
    wait_for(lambda: run.cursors()["vk:search:Камышлов"]["seen"], what="окно поиска")
    assert len(run.messages()) == 2  # the overlap of the windows sent nothing twice
