"""Telegram against a local Bot API server: messages, buttons, presses, escalation stop, outages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from alertkit import at, example_config, message, reply

from alerts.delivery import DeliveryLog
from alerts.engine import Engine
from alerts.notification import Notification
from alerts.notifiers import (
    BotApi,
    DeliveryError,
    TelegramConfig,
    TelegramNotifier,
    deliver_due,
    poll_actions,
)
from alerts.recipients import recipients
from alerts.router import Router
from alerts.state import State
from alerts.templates import PRESS_FORBIDDEN, PRESS_NOT_RECIPIENT
from devstack.botapi import BotApiServer

CONFIG = example_config()


@pytest.fixture
def bot(tmp_path: Path):
    server = BotApiServer(tmp_path / "bot.jsonl").start()
    yield server
    server.stop()


def api_for(server: BotApiServer) -> BotApi:
    return BotApi(TelegramConfig(base_url=server.url, token="123:TEST", timeout=5))


def sent_messages(server: BotApiServer) -> list[dict]:
    return httpx.get(f"{server.url}/_test/messages").json()["messages"]


def press(
    server: BotApiServer, chat_id: int, message_id: int, data: str, from_id: int | None = None
) -> None:
    body = {"chat_id": chat_id, "message_id": message_id, "data": data}
    if from_id is not None:
        body["from_id"] = from_id
    response = httpx.post(f"{server.url}/_test/press", json=body)
    assert response.status_code == 200, response.text


class Pipeline:
    """Engine + router + delivery log + Telegram notifier, all on plain dict state."""

    def __init__(self, server: BotApiServer) -> None:
        self.engine, self.router, self.state = Engine(CONFIG), Router(CONFIG), State()
        self.log = DeliveryLog()
        self.api = api_for(server)
        self.notifiers = {"telegram": TelegramNotifier(self.api)}
        self.outbox: list[Notification] = []

    def route(self, events: list, now) -> None:
        for event in events:
            self.outbox += self.router.on_event(self.state, event, now)

    async def message(self, tagged: dict, now) -> None:
        self.route(self.engine.on_message(self.state, tagged, now).alerts, now)

    async def tick(self, now) -> list[Notification]:
        """Routes what is due; delivers every Telegram notification made since the last tick."""
        self.route(self.engine.on_tick(self.state, now).alerts, now)
        self.outbox += self.router.on_tick(self.state, now)
        telegram = [n for n in self.outbox if n.channel == "telegram"]
        self.outbox = []
        self.log.enqueue_all(telegram, now)
        await deliver_due(self.log, self.notifiers, now)
        return telegram

    def recipients(self, alert_id: str) -> set[str]:
        return recipients(self.log.records(), self.engine.roster, alert_id)

    async def poll_once(self, now, offset: int | None = None, recipients=None):
        """`recipients`: the worker's view of the delivery log (default: this log, up to date)."""
        return await poll_actions(
            self.api,
            offset,
            now,
            timeout=0,
            authorize=self.engine.roster.person_for_telegram_user,
            recipients=recipients or self.recipients,
        )

    async def poll(self, now) -> list:
        result = await self.poll_once(now)
        for action in result.actions:
            self.route(self.engine.on_action(self.state, action, now).alerts, now)
        return result.actions


def _conflict(ident: str, text: str) -> dict:
    return message(ident, text, conflict=True, reasons=("aggression",), complaint=True)


async def test_sends_html_with_inline_buttons(bot: BotApiServer) -> None:
    pipe = Pipeline(bot)
    await pipe.message(
        _conflict("vk:-1_2000", "Если завтра не включите свет, приду и разнесу вашу контору!"),
        at("2026-03-10 10:00"),
    )
    notes = await pipe.tick(at("2026-03-10 10:00:30"))
    assert {n.address for n in notes} == {"100004", "-1001000000001"}
    messages = {m["chat_id"]: m for m in sent_messages(bot)}
    chat = messages[100004]
    assert chat["parse_mode"] == "HTML"
    assert chat["text"].startswith("🔴 <b>Конфликтная ситуация</b> · критично")
    buttons = chat["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["Взять в работу", "Решено"]
    alert_id = pipe.engine.active_alerts(pipe.state)[0].id
    assert [b["callback_data"] for b in buttons] == [f"ack:{alert_id}", f"res:{alert_id}"]
    assert (
        pipe.log.ref_of(next(n.key for n in notes if n.address == "100004"))
        == f"100004:{chat['message_id']}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Администрация <script>alert(1)</script> & «УК» — позор!!! 100% бездействие",
        "Стоимость проезда > 40 руб., а автобус № 3 ходит раз в час <<без расписания>>",
    ],
)
async def test_every_template_is_html_telegram_accepts(bot: BotApiServer, text: str) -> None:
    pipe = Pipeline(bot)
    now = at("2026-03-10 10:00")
    await pipe.message(_conflict("vk:-1_2100", text), now)
    for n in range(5):
        await pipe.message(
            message(
                f"vk:-1_22{n}",
                text,
                category="roads",
                complaint=True,
                author=(f"vk:9{n}", "Житель"),
                created="2026-03-10 10:00",
            ),
            now,
        )
    await pipe.message(
        message(
            "vk:-1_2300",
            text,
            kind="post",
            reactions={"likes": 900, "reposts": 50, "comments": 40, "views": 9000},
        ),
        now,
    )
    await pipe.message(
        message("vk:-1_2310", f"Когда ответите? {text}", question=True, author=("vk:41", "Анна")),
        now,
    )
    await pipe.message(
        reply(
            "vk:-1_2311", "vk:-1_2310", f"Читать научитесь: {text}", "2026-03-10 10:00", rude=True
        ),
        now,
    )
    notes = await pipe.tick(at("2026-03-10 10:00:30"))
    assert notes
    assert all(r.status == "sent" for r in pipe.log.records()), [
        r.last_error for r in pipe.log.records()
    ]
    kinds = {a.kind for a in pipe.engine.active_alerts(pipe.state)}
    assert kinds >= {"conflict", "spike", "viral_negative", "bad_reply"}


async def _pressed(bot: BotApiServer, ident: str) -> tuple[Pipeline, dict]:
    """A conflict alert sent to 100004, its «Взять в работу» pressed there; the chat message."""
    pipe = Pipeline(bot)
    await pipe.message(
        _conflict(ident, "Вы там совсем обнаглели, разбираться приду!"), at("2026-03-10 10:00")
    )
    await pipe.tick(at("2026-03-10 10:00:30"))
    chat = next(m for m in sent_messages(bot) if m["chat_id"] == 100004)
    data = chat["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    press(bot, 100004, chat["message_id"], data)
    return pipe, chat


async def test_press_becomes_an_action_and_is_answered(bot: BotApiServer) -> None:
    pipe, chat = await _pressed(bot, "vk:-1_2400")
    result = await pipe.poll_once(at("2026-03-10 10:10"))
    (action,) = result.actions
    assert (action.action, action.by, action.chat_id, action.message_id) == (
        "ack",
        "bessonov",
        100004,
        chat["message_id"],
    )
    answers = httpx.get(f"{bot.url}/_test/answers").json()["answers"]
    assert [a["text"] for a in answers] == ["Взято в работу"]
    # The offset confirms the update: the next poll is empty.
    assert (await pipe.poll_once(at("2026-03-10 10:11"), result.offset)).actions == []


async def test_stranger_cannot_press(bot: BotApiServer) -> None:
    pipe = Pipeline(bot)
    await pipe.message(
        _conflict("vk:-1_2500", "Приду и разнесу вашу контору!"), at("2026-03-10 10:00")
    )
    await pipe.tick(at("2026-03-10 10:00:30"))
    group = next(m for m in sent_messages(bot) if m["chat_id"] == -1001000000001)
    press(
        bot,
        group["chat_id"],
        group["message_id"],
        group["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        from_id=555,
    )
    result = await pipe.poll_once(at("2026-03-10 10:05"))
    assert result.actions == [] and result.rejected == 1
    answers = httpx.get(f"{bot.url}/_test/answers").json()["answers"]
    assert answers == [
        {
            "callback_query_id": answers[0]["callback_query_id"],
            "text": PRESS_FORBIDDEN,
            "show_alert": True,
        }
    ]


@pytest.mark.parametrize(
    ("from_id", "by", "answer"),
    [
        # Мартьянова is in the roster, but this alert about housing was not sent to her.
        (100005, None, PRESS_NOT_RECIPIENT),
        # Соболева gets escalations only; this alert has not reached her.
        (100001, None, PRESS_NOT_RECIPIENT),
        # Романюк is a member of the МЦУ duty chat the alert went to.
        (100003, "romanyuk", "Взято в работу"),
        # Бессонов got it in his own chat; pressing in the group chat counts as well.
        (100004, "bessonov", "Взято в работу"),
    ],
)
async def test_only_a_recipient_of_the_alert_can_press(
    bot: BotApiServer, from_id: int, by: str | None, answer: str
) -> None:
    pipe = Pipeline(bot)
    await pipe.message(
        _conflict("vk:-1_2550", "Приду и разнесу вашу контору, раз горячей воды нет!"),
        at("2026-03-10 10:00"),
    )
    await pipe.tick(at("2026-03-10 10:00:30"))
    group = next(m for m in sent_messages(bot) if m["chat_id"] == -1001000000001)
    data = group["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    press(bot, group["chat_id"], group["message_id"], data, from_id=from_id)
    result = await pipe.poll_once(at("2026-03-10 10:05"))
    answers = httpx.get(f"{bot.url}/_test/answers").json()["answers"]
    assert [(a["text"], a["show_alert"]) for a in answers] == [(answer, by is None)]
    assert [a.by for a in result.actions] == ([by] if by else [])
    assert result.rejected == (0 if by else 1)


async def test_ack_from_telegram_stops_escalation(bot: BotApiServer) -> None:
    pipe = Pipeline(bot)
    await pipe.message(
        _conflict("vk:-1_2600", "Я вам устрою, приду лично с мужиками разбираться!"),
        at("2026-03-10 10:00"),
    )
    await pipe.message(
        message(
            "vk:-1_2601",
            "Устроим митинг у администрации, все на площадь!",
            category="roads",
            conflict=True,
            reasons=("collective_action",),
            author=("vk:31", "Павел"),
        ),
        at("2026-03-10 10:00"),
    )
    await pipe.tick(at("2026-03-10 10:00:30"))
    acked_id = next(
        a.id for a in pipe.engine.active_alerts(pipe.state) if a.item_id == "vk:-1_2600"
    )
    other_id = next(
        a.id for a in pipe.engine.active_alerts(pipe.state) if a.item_id == "vk:-1_2601"
    )
    chat = next(
        m
        for m in sent_messages(bot)
        if m["chat_id"] == 100004 and f"ack:{acked_id}" in str(m["reply_markup"])
    )
    press(bot, 100004, chat["message_id"], f"ack:{acked_id}")
    (action,) = await pipe.poll(at("2026-03-10 10:20"))
    assert action.alert_id == acked_id
    (acked,) = [a for a in pipe.engine.active_alerts(pipe.state) if a.id == acked_id]
    assert (acked.acked_by, acked.acked_at) == ("bessonov", at("2026-03-10 10:20"))
    escalated = await pipe.tick(at("2026-03-10 11:00:30"))
    # Only the unacknowledged alert reaches the head of МЦУ.
    assert {(n.receiver, n.kind) for n in escalated} == {("sentsova", "escalation")}
    assert escalated[0].alert_ids == (other_id,)
    later = await pipe.tick(at("2026-03-10 13:00:30"))
    assert {(n.receiver, n.alert_ids) for n in later} == {("soboleva", (other_id,))}
    texts = [m["text"] for m in sent_messages(bot) if m["chat_id"] in (100002, 100001)]
    assert len(texts) == 2 and all("Эскалация" in t for t in texts)


async def test_resolve_from_telegram_sends_a_resolved_notice(bot: BotApiServer) -> None:
    pipe = Pipeline(bot)
    await pipe.message(
        _conflict("vk:-1_2700", "Приду и разнесу вашу контору!"), at("2026-03-10 10:00")
    )
    await pipe.tick(at("2026-03-10 10:00:30"))
    (alert,) = pipe.engine.active_alerts(pipe.state)
    group = next(m for m in sent_messages(bot) if m["chat_id"] == -1001000000001)
    press(bot, group["chat_id"], group["message_id"], f"res:{alert.id}", from_id=100003)
    (action,) = await pipe.poll(at("2026-03-10 10:30"))
    assert (action.action, action.by) == ("resolve", "romanyuk")
    assert pipe.engine.active_alerts(pipe.state) == []
    notes = await pipe.tick(at("2026-03-10 10:35:30"))
    assert {n.kind for n in notes} == {"resolved"}
    assert all("отмечено как решённое (Романюк Н.Б.)" in n.text for n in notes)


async def test_bot_api_down_then_up_delivers_once(bot: BotApiServer) -> None:
    httpx.post(f"{bot.url}/_test/fail", json={"method": "sendMessage", "status": 502, "times": 1})
    pipe = Pipeline(bot)
    await pipe.message(
        _conflict("vk:-1_2800", "Приду и разнесу вашу контору!"), at("2026-03-10 10:00")
    )
    notes = await pipe.tick(at("2026-03-10 10:00:30"))
    assert len(notes) == 2
    # One 502: that message waits, the channel is skipped for the rest of the pass.
    assert sent_messages(bot) == []
    assert {r.status for r in pipe.log.records()} == {"pending"}
    report = await deliver_due(pipe.log, pipe.notifiers, at("2026-03-10 10:01"))
    assert len(report.sent) == 2
    await deliver_due(pipe.log, pipe.notifiers, at("2026-03-10 10:30"))
    assert len(sent_messages(bot)) == 2


async def test_bot_api_unreachable_is_retried(tmp_path: Path) -> None:
    server = BotApiServer(tmp_path / "bot.jsonl").start()
    url = server.url
    server.stop()
    api = BotApi(TelegramConfig(base_url=url, token="123:TEST", timeout=2))
    with pytest.raises(DeliveryError) as caught:
        await api.get_me()
    assert not caught.value.permanent


async def test_429_waits_retry_after_and_unknown_chat_is_permanent(bot: BotApiServer) -> None:
    httpx.post(
        f"{bot.url}/_test/fail",
        json={"method": "sendMessage", "status": 429, "times": 1, "retry_after": 30},
    )
    api = api_for(bot)
    with pytest.raises(DeliveryError) as slow:
        await api.send_message(100001, "<b>проверка</b>")
    assert slow.value.retry_after == timedelta(seconds=30) and not slow.value.permanent
    with pytest.raises(DeliveryError) as unknown:
        await api.send_message("@nobody", "проверка")
    assert unknown.value.permanent
    with pytest.raises(DeliveryError) as broken:
        await api.send_message(100001, "<b>не закрыт тег")
    assert broken.value.permanent and "can't parse entities" in str(broken.value)


async def test_edit_message(bot: BotApiServer) -> None:
    api = api_for(bot)
    sent = await api.send_message(100001, "<b>Оповещение</b>")
    await api.edit_message(100001, sent["message_id"], "<b>Оповещение</b>\nВ работе: Бессонов Е.А.")
    (stored,) = sent_messages(bot)
    assert stored["edits"] == 1 and stored["text"].endswith("Бессонов Е.А.")
    assert (await api.get_me())["is_bot"] is True
    await api.aclose()


def _not_logged_yet(alert_id: str) -> set[str]:
    return set()


async def test_a_press_before_its_delivery_is_logged_waits_for_it(bot: BotApiServer) -> None:
    pipe, chat = await _pressed(bot, "vk:-1_2600")
    sent = datetime.fromtimestamp(chat["date"], UTC)
    first = await pipe.poll_once(sent + timedelta(seconds=1), recipients=_not_logged_yet)
    assert (first.actions, first.rejected, first.deferred) == ([], 0, 1)
    assert httpx.get(f"{bot.url}/_test/answers").json()["answers"] == []
    second = await pipe.poll_once(sent + timedelta(seconds=2), first.offset)
    assert [(a.action, a.by) for a in second.actions] == [("ack", "bessonov")]
    assert (second.rejected, second.deferred) == (0, 0)
    answers = httpx.get(f"{bot.url}/_test/answers").json()["answers"]
    assert [a["text"] for a in answers] == ["Взято в работу"]


async def test_a_press_whose_alert_never_reaches_the_log_is_refused_in_time(
    bot: BotApiServer,
) -> None:
    pipe, chat = await _pressed(bot, "vk:-1_2600")
    sent = datetime.fromtimestamp(chat["date"], UTC)
    late = await pipe.poll_once(sent + timedelta(seconds=31), recipients=_not_logged_yet)
    assert (late.actions, late.rejected, late.deferred) == ([], 1, 0)
    answers = httpx.get(f"{bot.url}/_test/answers").json()["answers"]
    assert [a["text"] for a in answers] == [PRESS_NOT_RECIPIENT]
