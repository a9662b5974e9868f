"""Alerts through the real Kafka, delivered to a real SMTP server and a local Bot API server."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from streams.settings import CONFIG_DIR, Settings
from tests.e2e.conftest import (
    LocalServer,
    WorkerHandle,
    ago,
    drop_run,
    free_port,
    message,
    port_open,
    start_worker,
    wait_for,
)

ROUTES = """
route:
  receiver: mcu
  group_by: [kind, department]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - matchers: ['severity="critical"']
      receiver: $department
      escalation: critical
      continue: true
    - receiver: mcu
inhibit_rules:
  - source_matchers: ['kind="spike"']
    target_matchers: ['kind="conflict"']
    source_contains_target: true
escalations:
  critical:
    steps:
      - {after: 6s, receiver: sentsova}
      - {after: 12s, receiver: soboleva}
"""
API_TOKEN = "test-api-token"


class Alerting:
    def __init__(
        self, worker: WorkerHandle, smtp: LocalServer, bot: LocalServer, api_port: int
    ) -> None:
        self.worker, self.smtp, self.bot, self.api_port = worker, smtp, bot, api_port

    def mails(self, needle: str) -> list[dict[str, Any]]:
        return [m for m in self.smtp.lines() if needle in m["text"]]

    def telegram(self, needle: str) -> list[dict[str, Any]]:
        url = f"http://127.0.0.1:{self.bot.port}/_test/messages"
        messages = json.loads(urllib.request.urlopen(url, timeout=5).read())["messages"]
        return [m for m in messages if needle in m["text"]]

    def press(self, tg: dict[str, Any], action: str) -> str:
        """Presses the button; returns the alert id it carries."""
        data = next(
            b["callback_data"]
            for row in tg["reply_markup"]["inline_keyboard"]
            for b in row
            if b["callback_data"].startswith(action)
        )
        body = json.dumps(
            {"chat_id": tg["chat_id"], "message_id": tg["message_id"], "data": data}
        ).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.bot.port}/_test/press",
            data=body,
            headers={"content-type": "application/json"},
        )
        urllib.request.urlopen(req, timeout=5).read()
        return str(data.split(":", 1)[1])

    def api_alerts(self) -> list[dict[str, Any]]:
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.api_port}/api/v1/alerts",
            headers={"Authorization": f"Bearer {API_TOKEN}"},
        )
        data = json.loads(urllib.request.urlopen(req, timeout=5).read())
        return list(data["alerts"] if isinstance(data, dict) else data)

    def respond(self, response: dict[str, Any]) -> None:
        from streams.replay import publish

        settings = self.worker.settings
        raw = json.dumps(response, ensure_ascii=False).encode()
        publish(settings.kafka.bootstrap, [raw], settings.kafka.topics.responses)


def live_rules() -> str:
    """The shipped rules, with the test messages (test:…) on the municipality's own page and
    months-old messages still live (not backfill), so their deadlines page someone."""
    text = (CONFIG_DIR / "rules.yaml").read_text(encoding="utf-8")
    text = text.replace("backfill_after: 24h", "backfill_after: 400d")
    return text.replace("own_pages: []", 'own_pages: ["test:"]')


@pytest.fixture(scope="module")
def alerting(devstack: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Alerting]:
    tmp = tmp_path_factory.mktemp("alerting")
    routes = tmp / "routes.yaml"
    routes.write_text(ROUTES)
    rules = tmp / "rules.yaml"
    rules.write_text(live_rules())
    smtp = LocalServer("devstack.smtp_sink", free_port(), tmp / "smtp.jsonl")
    bot = LocalServer("devstack.botapi", free_port(), tmp / "botapi.jsonl")
    smtp.start()
    bot.start()
    api_port = free_port()
    files = [str(rules), str(routes), str(CONFIG_DIR / "roster.yaml")]
    worker = start_worker(
        tmp,
        {
            "MCU_ALERTS__CONFIG_FILES": json.dumps(files),
            "MCU_ALERTS__TICK_SECONDS": "1",
            "MCU_ALERTS__SMTP_PORT": str(smtp.port),
            "MCU_ALERTS__TELEGRAM_BASE_URL": f"http://127.0.0.1:{bot.port}",
            "MCU_ALERTS__TELEGRAM_TOKEN": "123456:test-bot-token",
            "MCU_ALERTS__API_PORT": str(api_port),
            "MCU_ALERTS__API_TOKEN": API_TOKEN,
        },
    )
    # The alerts API starts with the worker's agents, a little after its metrics port.
    wait_for(lambda: port_open(api_port), timeout=120, interval=0.2)
    yield Alerting(worker, smtp, bot, api_port)
    worker.stop()
    drop_run(worker)
    smtp.stop()
    bot.stop()


def just_now() -> str:
    """A message from this moment: no response deadline has passed yet."""
    return datetime.now(UTC).isoformat()


def unique(text: str) -> tuple[str, str]:
    """A text with a marker that finds its alerts among the others'."""
    tag = uuid.uuid4().hex[:6]
    return f"{text} [{tag}]", tag


def test_conflict_reaches_email_and_telegram_ack_stops_escalation_reply_resolves(
    alerting: Alerting,
) -> None:
    text_a, tag_a = unique("Я приду и подожгу вашу администрацию, если не дадите горячую воду!!!")
    text_b, tag_b = unique(
        "Учителя школы №3 издеваются над детьми, соберём родителей и пойдём к прокурору!"
    )
    raw_a = message(
        text_a, created_at=just_now(), author={"id": "u-a", "name": "А", "is_official": False}
    )
    raw_b = message(
        text_b, created_at=just_now(), author={"id": "u-b", "name": "Б", "is_official": False}
    )
    alerting.worker.publish([raw_a, raw_b])

    wait_for(lambda: alerting.telegram(tag_a) and alerting.telegram(tag_b), timeout=90)
    assert alerting.mails(tag_a), "the alert is also sent by e-mail"
    first = alerting.telegram(tag_a)[0]
    assert "Взять в работу" in json.dumps(first["reply_markup"], ensure_ascii=False)
    alert_id = alerting.press(first, "ack")

    def acked() -> bool:
        alerts = [a for a in alerting.api_alerts() if a["id"] == alert_id]
        return bool(alerts) and bool(alerts[0].get("acked_by"))

    wait_for(acked, timeout=30)

    # B is not acknowledged: it escalates to the head of МЦУ; A, acknowledged, does not.
    def escalated(tag: str) -> bool:
        return any(m["subject"].startswith("[МЦУ] Эскалация") for m in alerting.mails(tag))

    wait_for(lambda: escalated(tag_b), timeout=60)
    time.sleep(2)
    assert not escalated(tag_a)

    reply = message(
        "Добрый день! Аварийная бригада восстановила горячее водоснабжение сегодня к 15:00.",
        kind="reply",
        parent_id=json.loads(raw_a)["id"],
        thread_id=json.loads(raw_a)["id"],
        created_at=just_now(),
        author={"id": "adm", "name": "Администрация", "is_official": True},
    )
    alerting.worker.publish([reply])
    wait_for(
        lambda: any(
            "решен" in m["subject"].lower() or "закрыт" in m["subject"].lower()
            for m in alerting.mails(tag_a)
        ),
        timeout=60,
    )


def test_overdue_appeal_fires_and_a_response_closes_it(alerting: Alerting) -> None:
    text, tag = unique(
        "Прошу отремонтировать крышу дома по улице Строителей, 14, протекает в подъезде."
    )
    raw = message(text, source="pos", kind="appeal", created_at=ago(days=60))
    item_id = json.loads(raw)["id"]
    alerting.worker.publish([raw])
    wait_for(lambda: alerting.mails(tag), timeout=90)
    search = alerting.worker.search

    def doc() -> dict[str, Any]:
        search.refresh()
        hits = list(search.scan({"ids": {"values": [item_id]}}))
        return hits[0] if hits else {}

    wait_for(lambda: doc().get("overdue") is True, timeout=60)
    assert doc()["status"] == "open" and doc()["deadline"]

    alerting.respond(
        {
            "item_id": item_id,
            "status": "answered",
            "at": ago(days=10),
            "by": "bessonov",
            "reply_id": "pos:reply-1",
        }
    )
    wait_for(lambda: doc().get("status") == "answered", timeout=60)
    assert doc()["response_hours"] > 8


def test_a_forged_department_does_not_stop_notifications(alerting: Alerting) -> None:
    # Sport: a group of its own in this module, so both alerts are listed in its e-mail.
    forged, tag_forged = unique(
        "Вы там совсем обнаглели?! Третий раз пишу про разбитую хоккейную коробку у стадиона!"
    )
    after, tag_after = unique("Безобразие!!! Бассейн опять закрыт, секции отменили, позор!")
    alerting.worker.publish(
        [message(forged, department="nobody", created_at=just_now()), message(after)]
    )
    wait_for(lambda: alerting.mails(tag_forged) and alerting.mails(tag_after), timeout=90)


def test_smtp_down_then_up_delivers_once(alerting: Alerting) -> None:
    alerting.smtp.stop()
    text, tag = unique(
        "Вы там совсем охренели?! Третий месяц нет света во дворе, будем жаловаться губернатору!"
    )
    alerting.worker.publish([message(text)])
    wait_for(lambda: alerting.telegram(tag), timeout=90)
    time.sleep(3)
    assert not alerting.mails(tag)
    alerting.smtp.start()
    wait_for(lambda: alerting.mails(tag), timeout=120)
    time.sleep(5)
    by_id = [m["message_id"] for m in alerting.mails(tag)]
    assert len(by_id) == len(set(by_id)), "no notification twice"


def test_kill_9_mid_run_sends_nothing_twice_and_loses_nothing(alerting: Alerting) -> None:
    streets = [
        "Ленина",
        "Мира",
        "Гагарина",
        "Пушкина",
        "Чкалова",
        "Куйбышева",
        "Фрунзе",
        "Луначарского",
    ]
    texts = [
        unique(
            f"Сколько можно терпеть, который раз пишем про яму на улице {street}, вы издеваетесь?!"
        )
        for street in streets
    ]
    # Ten days old, eight streets: eight incidents, each overdue at once with an alert of its own.
    records = [
        message(
            t,
            created_at=ago(days=10),
            author={"id": f"k{n}", "name": "Житель", "is_official": False},
        )
        for n, (t, _) in enumerate(texts)
    ]
    alerting.worker.publish(records)
    # Kill as soon as the first of these notifications is out: the rest are in flight.
    wait_for(lambda: any(alerting.telegram(tag) or alerting.mails(tag) for _, tag in texts), 90)
    alerting.worker.kill()
    alerting.worker.start()
    wait_for(lambda: port_open(alerting.api_port), timeout=120, interval=0.2)
    wait_for(lambda: all(alerting.mails(tag) for _, tag in texts), timeout=180)
    time.sleep(8)
    for _, tag in texts:
        ids = [m["message_id"] for m in alerting.mails(tag)]
        assert len(ids) == len(set(ids)), f"e-mail sent twice: {tag}"
        sent = [(m["chat_id"], m["text"]) for m in alerting.telegram(tag)]
        assert sent, f"lost in Telegram: {tag}"
        assert len(sent) == len(set(sent)), f"sent twice to Telegram: {tag}"


def _ours(alerting: Alerting, ids: set[str], rule: str) -> list[dict[str, Any]]:
    return [
        a
        for a in alerting.api_alerts()
        if a["rule"] == rule and ({a.get("item_id")} | set(a.get("members") or [])) & ids
    ]


def act(port: int, alert_id: str, action: str) -> None:
    """POSTs an action (ack, resolve) on an alert through a worker's API."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/alerts/{alert_id}/{action}",
        data=b'{"by": "romanyuk"}',
        headers={"Authorization": f"Bearer {API_TOKEN}", "content-type": "application/json"},
    )
    urllib.request.urlopen(req, timeout=5).read()


def _resolve(alerting: Alerting, alert_id: str) -> None:
    act(alerting.api_port, alert_id, "resolve")


def _citizen(author: str) -> dict[str, Any]:
    return {"id": author, "name": "Житель", "is_official": False}


def _official() -> dict[str, Any]:
    return {"id": "adm", "name": "Администрация", "is_official": True}


def _spike(house: int, author: str) -> list[bytes]:
    texts = [
        f"На улице Механизаторов, {house} третий день нет отопления, батареи ледяные.",
        f"Механизаторов {house}: в квартирах +14, дети болеют, отопления так и нет!",
        f"Подтверждаю, на улице Механизаторов, {house} холодно, отопление не дали.",
    ]
    return [
        message(t, created_at=just_now(), author=_citizen(f"{author}{i}"))
        for i, t in enumerate(texts)
    ]


def _repeat(house: int, author: str) -> list[bytes]:
    thread = f"vk:-7_{uuid.uuid4().hex[:6]}"
    texts = [
        f"Яма на улице Энгельса, {house} уже по колено, когда засыпете?",
        f"Снова пишу про яму на Энгельса, {house}: ничего не сделано, машины бьются!",
    ]
    return [
        message(t, created_at=just_now(), thread_id=thread, author=_citizen(author)) for t in texts
    ]


def _viral(house: int, author: str) -> list[bytes]:
    text = f"Позор! Детская площадка на улице Гагарина, {house} разломана, дети травмируются!"
    reactions = {"likes": 400, "reposts": 60, "comments": 90, "views": 50000}
    return [message(text, created_at=just_now(), reactions=reactions, author=_citizen(author))]


def _bad_reply(house: int, author: str) -> list[bytes]:
    question = message(
        f"Когда отремонтируют крыльцо подъезда на улице Урицкого, {house}?",
        created_at=just_now(),
        author=_citizen(author),
    )
    parent = json.loads(question)["id"]
    reply = message(
        "Ваше обращение направлено в профильное ведомство для рассмотрения "
        "в установленном порядке.",
        kind="reply",
        parent_id=parent,
        thread_id=parent,
        created_at=just_now(),
        author=_official(),
    )
    return [question, reply]


@pytest.mark.parametrize(
    ("rule", "make"),
    [
        ("spike-address", _spike),
        ("repeat-complaint", _repeat),
        ("viral-negative", _viral),
        ("bad-reply", _bad_reply),
    ],
)
def test_each_rule_kind_fires_and_resolves(alerting: Alerting, rule: str, make: Any) -> None:
    house = 100 + uuid.uuid4().int % 800
    records = make(house, f"author-{uuid.uuid4().hex[:6]}")
    ids = {json.loads(r)["id"] for r in records}
    alerting.worker.publish(records)
    wait_for(lambda: _ours(alerting, ids, rule), timeout=90)
    alert = _ours(alerting, ids, rule)[0]
    assert alert["status"] == "firing"
    _resolve(alerting, alert["id"])
    wait_for(lambda: not _ours(alerting, ids, rule), timeout=60)
