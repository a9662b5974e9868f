"""Telegram Bot API connector (aiogram) against the devstack Bot API server and real Kafka."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from devstack.botapi import BotApiServer
from tests.connectors.support import Run, free_port, http, wait_for

TOKEN = "700001:AAconnector-test-token"
CHAT = -1001234567890  # the administration's supergroup
CHANNEL = -1009876543210  # its channel
OFFICIAL = 555


class Chat:
    def __init__(self, server: BotApiServer) -> None:
        self.server = server

    def say(self, text: str, **extra: Any) -> int:
        body = {"bot": TOKEN, "chat_id": CHAT, "text": text, "from_id": 42, **extra}
        return int(http(f"{self.server.url}/_test/chat_message", body)["message_id"])

    def edit(self, chat: int, message_id: int, text: str) -> None:
        body = {"bot": TOKEN, "chat_id": chat, "message_id": message_id, "text": text}
        http(f"{self.server.url}/_test/chat_edit", body)

    def control(self, path: str, **body: Any) -> Any:
        return http(f"{self.server.url}/_test/{path}", body)


@pytest.fixture
def chat() -> Iterator[Chat]:
    with BotApiServer() as server:
        yield Chat(server)


def env(chat: Chat, **extra: str) -> dict[str, str]:
    return {
        "MCU_CONNECTORS__TELEGRAM__ENABLED": "true",
        "MCU_CONNECTORS__TELEGRAM__BASE_URL": chat.server.url,
        "MCU_CONNECTORS__TELEGRAM__TOKEN": TOKEN,
        "MCU_CONNECTORS__TELEGRAM__POLL_TIMEOUT": "1",
        "MCU_CONNECTORS__TELEGRAM__OFFICIAL_IDS": f"[{OFFICIAL}]",
        **extra,
    }


def test_kill_9_between_batches_loses_nothing(chat: Chat, run: Run) -> None:
    first = [chat.say(f"Во дворе на Ленина {n} не горят фонари") for n in range(1, 4)]
    run.env.update(env(chat))
    run.start("connect", "telegram")
    run.wait_ids({f"tg:{CHAT}/{m}" for m in first})
    chat.control("hold", method="getupdates")
    wait_for(lambda: _waiting(chat), what="getUpdates на удержании")
    second = [chat.say(f"И на Гагарина {n} тоже") for n in range(1, 3)]
    run.kill9()
    chat.control("release")
    run.start("connect", "telegram")
    expected = {f"tg:{CHAT}/{m}" for m in first + second}
    run.wait_ids(expected)
    assert run.ids() == expected
    assert len(run.messages()) == len(expected)  # the restart resumed from the cursor
    cursor = run.cursors()["telegram:updates"]
    assert cursor["chats"][str(CHAT)] == max(second)
    wait_for(lambda: run.cursors()["telegram:updates"]["offset"] == 6, what="курсор update_id")


def _waiting(chat: Chat) -> bool:
    return int(http(f"{chat.server.url}/_test/status")["waiting"]) >= 1


def test_flood_wait_is_honoured(chat: Chat, run: Run) -> None:
    chat.control("fail", method="getUpdates", status=429, retry_after=1, times=2)
    ids = {f"tg:{CHAT}/{chat.say('Когда починят лифт на Энгельса 5?')}"}
    run.env.update(env(chat))
    run.start("connect", "telegram")
    run.wait_metrics()
    run.wait_ids(ids)
    assert run.metric("mcu_connector_api_errors_total", connector="telegram", code="429") == 2


def test_edits_forwards_channel_posts_and_official_replies(chat: Chat, run: Run) -> None:
    run.env.update(env(chat))
    run.start("connect", "telegram")
    question = chat.say("Почему не вывозят мусор на Карла Маркса?", from_name="Ольга")
    chat.edit(CHAT, question, "Почему третью неделю не вывозят мусор на Карла Маркса?")
    answer = chat.say(
        "Ольга, график восстановлен, машина будет завтра утром.",
        from_id=OFFICIAL,
        from_name="Е. Бессонов",
        reply_to=question,
    )
    forward = chat.say("Перешлю сюда", forward_from_chat=CHANNEL, forward_from_message_id=17)
    post = int(
        http(
            f"{chat.server.url}/_test/chat_message",
            {
                "bot": TOKEN,
                "chat_id": CHANNEL,
                "chat_type": "channel",
                "text": "Отключение электроэнергии 5 декабря",
                "sender_chat_id": CHANNEL,
            },
        )["message_id"]
    )
    ids = [
        f"tg:{CHAT}/{question}",
        f"tg:{CHAT}/{answer}",
        f"tg:{CHAT}/{forward}",
        f"tg:{CHANNEL}/{post}",
    ]
    run.wait_ids(set(ids))
    wait_for(lambda: [m["id"] for m in run.messages()].count(ids[0]) == 2, what="правка")
    got: dict[str, list[dict[str, Any]]] = {}
    for m in run.messages():
        got.setdefault(m["id"], []).append(m)
    original, edited = got[ids[0]]
    assert edited["status"] == "edited" and "третью неделю" in edited["text"]
    assert original["kind"] == "post" and original["author"]["is_official"] is False
    [reply] = got[ids[1]]
    assert reply["kind"] == "reply" and reply["author"]["is_official"] is True
    assert reply["parent_id"] == ids[0] and reply["thread_id"] == ids[0]
    assert got[ids[2]][0]["original_id"] == f"tg:{CHANNEL}/17"
    [channel] = got[ids[3]]
    assert channel["author"]["is_official"] is True and channel["kind"] == "post"


def test_webhook_checks_the_secret_token(chat: Chat, run: Run) -> None:
    port = free_port()
    run.env.update(
        env(
            chat,
            MCU_CONNECTORS__TELEGRAM__MODE="webhook",
            MCU_CONNECTORS__TELEGRAM__WEBHOOK_PORT=str(port),
            MCU_CONNECTORS__TELEGRAM__WEBHOOK_SECRET="hook-secret-1",
        )
    )
    run.start("connect", "telegram")
    run.wait_metrics()
    update = {
        "update_id": 10,
        "message": {
            "message_id": 5,
            "date": int(time.time()),
            "chat": {"id": CHAT, "type": "supergroup", "title": "Чат"},
            "from": {"id": 42, "is_bot": False, "first_name": "Пётр"},
            "text": "Снег не чистят на Строителей",
        },
    }
    url = f"http://127.0.0.1:{port}/telegram/webhook"

    def post(secret: str) -> int:
        req = urllib.request.Request(
            url,
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as err:
            return int(err.code)
        except OSError:
            return 0

    assert wait_for(lambda: post("wrong")) == 401
    assert post("hook-secret-1") == 200
    run.wait_ids({f"tg:{CHAT}/5"})


def test_a_rejected_token_stops_only_that_connector(chat: Chat, run: Run) -> None:
    # The Bot API server accepts only its own token: ours is refused with 401.
    with BotApiServer(token="1:other") as strict:
        run.env.update(env(chat, MCU_CONNECTORS__TELEGRAM__BASE_URL=strict.url))
        run.start("connect", "telegram")
        assert run.wait_exit() == 2
    log = run.log.read_text()
    assert "MCU_CONNECTORS__TELEGRAM__TOKEN" in log and TOKEN not in log
