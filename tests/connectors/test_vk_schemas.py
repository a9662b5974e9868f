"""The local VK API answers in the shapes of VK's official schemas (vkbottle-types models)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from vkbottle_types.events.bot_events import (
    WallReplyDelete,
    WallReplyEdit,
    WallReplyNew,
    WallRepost,
)
from vkbottle_types.responses.groups import GroupsGetLongPollServerResponse
from vkbottle_types.responses.newsfeed import NewsfeedSearchResponse
from vkbottle_types.responses.wall import WallGetCommentsExtendedResponse, WallGetExtendedResponse

from devstack.fakes.runner import AppThread
from devstack.fakes.vk import create_app
from tests.connectors.support import http

OWNER = -500


@pytest.fixture(scope="module")
def vk() -> Iterator[str]:
    with AppThread(lambda: create_app("t")) as server:
        post = http(f"{server.url}/_test/post", {"owner_id": OWNER, "text": "Нет света на Ленина"})
        http(f"{server.url}/_test/profile", {"id": 7, "first_name": "Анна", "last_name": "Шишкина"})
        c = http(
            f"{server.url}/_test/comment",
            {"owner_id": OWNER, "post_id": post["id"], "from_id": 7, "text": "И у нас"},
        )
        http(
            f"{server.url}/_test/edit_comment",
            {"owner_id": OWNER, "post_id": post["id"], "id": c["id"], "text": "И у нас тоже"},
        )
        http(
            f"{server.url}/_test/delete_comment",
            {"owner_id": OWNER, "post_id": post["id"], "id": c["id"]},
        )
        http(
            f"{server.url}/_test/post",
            {
                "owner_id": OWNER,
                "text": "",
                "copy_history": [{"id": 1, "owner_id": -9, "text": "x"}],
            },
        )
        yield server.url


def call(url: str, method: str, **params: Any) -> dict[str, Any]:
    data = urllib.parse.urlencode({**params, "access_token": "t", "v": "5.199"}).encode()
    with urllib.request.urlopen(f"{url}/method/{method}", data, timeout=10) as resp:
        return dict(json.loads(resp.read()))


def test_wall_get(vk: str) -> None:
    body = call(vk, "wall.get", owner_id=OWNER, count=100, extended=1)
    model = WallGetExtendedResponse.model_validate(body)
    assert model.response.items[0].owner_id == OWNER


def test_wall_get_comments(vk: str) -> None:
    http(f"{vk}/_test/comment", {"owner_id": OWNER, "post_id": 1, "from_id": 7, "text": "Да"})
    body = call(vk, "wall.getComments", owner_id=OWNER, post_id=1, extended=1, count=100)
    assert WallGetCommentsExtendedResponse.model_validate(body).response.items


def test_newsfeed_search(vk: str) -> None:
    body = call(vk, "newsfeed.search", q="свет", count=10)
    assert NewsfeedSearchResponse.model_validate(body).response.items


def test_long_poll_server(vk: str) -> None:
    body = call(vk, "groups.getLongPollServer", group_id=-OWNER)
    assert GroupsGetLongPollServerResponse.model_validate(body).response.key


def test_community_events(vk: str) -> None:
    lp = call(vk, "groups.getLongPollServer", group_id=-OWNER)["response"]
    with urllib.request.urlopen(
        f"{lp['server']}?act=a_check&key={lp['key']}&ts=0&wait=1", timeout=10
    ) as resp:
        updates = json.loads(resp.read())["updates"]
    models = {
        "wall_reply_new": WallReplyNew,
        "wall_reply_edit": WallReplyEdit,
        "wall_reply_delete": WallReplyDelete,
        "wall_repost": WallRepost,
    }
    seen = set()
    for update in updates:
        if update["type"] in models:
            models[update["type"]].model_validate(update)
            seen.add(update["type"])
    assert seen == set(models)
