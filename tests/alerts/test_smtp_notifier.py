"""E-mail against a real SMTP server on loopback (aiosmtpd): content, outage, one delivery."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from alertkit import at, example_config, free_port, message

from alerts.delivery import DeliveryLog
from alerts.engine import Engine
from alerts.notifiers import DeliveryError, EmailConfig, EmailNotifier, deliver_due
from alerts.router import Router
from alerts.state import State
from devstack.smtp_sink import JsonLinesHandler, SmtpSink

CONFIG = example_config()


def _notifications(state: State) -> list:
    """A real conflict message through the engine and the router: e-mails only."""
    engine, router = Engine(CONFIG), Router(CONFIG)
    msg = message(
        "vk:-1_1000",
        "Управляющая компания «Дом-Сервис» третий месяц игнорирует протечку крыши "
        "на Свердлова, 41! "
        "Будем писать прокурору и губернатору.",
        conflict=True,
        reasons=("collective_action", "outrage"),
        complaint=True,
        author=("vk:777", "Ольга Смирнова"),
    )
    for event in engine.on_message(state, msg, at("2026-03-10 10:00")).alerts:
        router.on_event(state, event, at("2026-03-10 10:00"))
    return [n for n in router.on_tick(state, at("2026-03-10 10:00:30")) if n.channel == "email"]


@pytest.fixture
def mailbox(tmp_path: Path):
    sink = SmtpSink(tmp_path / "mail.jsonl", port=free_port()).start()
    yield sink
    sink.stop()


async def test_mail_has_russian_text_link_and_keys(mailbox: SmtpSink) -> None:
    notes = _notifications(State())
    assert {n.address for n in notes} == {
        "bessonov@kamyshlov.example",
        "sentsova@kamyshlov.example",
        "romanyuk@kamyshlov.example",
    }
    notifier = EmailNotifier(EmailConfig(port=mailbox.port, sender="mcu@kamyshlov.example"))
    log = DeliveryLog()
    log.enqueue_all(notes, at("2026-03-10 10:00:30"))
    report = await deliver_due(log, {"email": notifier}, at("2026-03-10 10:00:30"))
    assert sorted(report.sent) == sorted(n.key for n in notes)
    mails = {m["to"]: m for m in mailbox.messages()}
    mail = mails["bessonov@kamyshlov.example"]
    assert mail["subject"] == "[МЦУ] Конфликтная ситуация — ЖКХ"
    assert "🔴 Конфликтная ситуация · критично" in mail["text"]
    assert "Признаки: призыв к коллективным действиям, возмущение" in mail["text"]
    assert "«Управляющая компания «Дом-Сервис» третий месяц" in mail["text"]
    assert "Открыть в поиске: http://127.0.0.1:5601/app/discover" in mail["text"]
    assert "vk:-1_1000" in mail["text"]
    assert mail["headers"]["X-MCU-Delivery-Key"] in report.sent
    assert mail["message_id"] == log.ref_of(mail["headers"]["X-MCU-Delivery-Key"])


async def test_smtp_down_then_up_delivers_exactly_once(tmp_path: Path) -> None:
    port = free_port()
    notes = _notifications(State())[:1]
    notifier = EmailNotifier(EmailConfig(port=port, timeout=2))
    table: dict[str, object] = {}
    log = DeliveryLog(table)
    now = at("2026-03-10 10:00:30")
    log.enqueue_all(notes, now)
    down = await deliver_due(log, {"email": notifier}, now)
    assert down.sent == [] and down.retrying == [notes[0].key]
    record = log.get(notes[0].key)
    assert (
        record is not None
        and record.attempts == 1
        and "SMTP недоступен" in (record.last_error or "")
    )
    # Not due before the backoff delay.
    assert (await deliver_due(log, {"email": notifier}, now + timedelta(seconds=1))).sent == []
    with SmtpSink(tmp_path / "mail.jsonl", port=port) as sink:
        up = await deliver_due(log, {"email": notifier}, now + timedelta(seconds=10))
        assert up.sent == [notes[0].key]
        again = await deliver_due(log, {"email": notifier}, now + timedelta(minutes=10))
        # A restarted worker reads the same table and sends nothing.
        restarted = DeliveryLog(dict(table))
        restarted.enqueue_all(notes, now + timedelta(minutes=11))
        after_restart = await deliver_due(
            restarted, {"email": notifier}, now + timedelta(minutes=11)
        )
        assert again.sent == [] and after_restart.sent == []
        assert len(sink.messages()) == 1


async def test_refused_recipient_is_permanent(mailbox: SmtpSink) -> None:
    notes = _notifications(State())[:1]
    broken = notes[0].__class__(**{**notes[0].__dict__, "address": "not an address"})
    with pytest.raises(DeliveryError) as caught:
        await EmailNotifier(EmailConfig(port=mailbox.port)).send(broken)
    assert caught.value.permanent


class _SlowQuit(SMTP):
    """A server that accepts mail at once but answers QUIT only when the test lets it."""

    release = threading.Event()

    async def smtp_QUIT(self, arg: str) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 20)
        await super().smtp_QUIT(arg)


class _SlowQuitController(Controller):
    def factory(self) -> SMTP:
        return _SlowQuit(self.handler)


async def test_send_returns_once_the_mail_is_accepted_not_after_quit(tmp_path: Path) -> None:
    """The caller journals the key when send returns; a QUIT in between was a window for a
    crash to make a restarted worker send the mail again."""
    port = free_port()
    controller = _SlowQuitController(
        JsonLinesHandler(tmp_path / "mail.jsonl"), hostname="127.0.0.1", port=port
    )
    controller.start()
    try:
        notification = _notifications(State())[0]
        notifier = EmailNotifier(EmailConfig(port=port, timeout=30))
        # With QUIT awaited inside send, this times out: the server holds QUIT for 20 s.
        ref = await asyncio.wait_for(notifier.send(notification), timeout=10)
        assert ref.startswith("<")
        accepted = [json.loads(line) for line in (tmp_path / "mail.jsonl").read_text().splitlines()]
        assert [m["message_id"] for m in accepted] == [ref]
    finally:
        _SlowQuit.release.set()
        await asyncio.sleep(0.2)
        controller.stop()
