"""A worker killed while a notification is on its way: the journal says what the server has.

A sender process delivers one notification through `deliver_due` with the sent-journal, to a
real server on loopback (aiosmtpd, or an HTTP server speaking the Bot API's sendMessage) that
kills the sender with SIGKILL at a chosen moment. Afterwards the journal must hold the key exactly
when the server kept the notification: else a restarted worker sends it twice, or never.

E-mail journals the key right before the write of the final "." (nothing runs in between), so
the server here kills the sender the instant it has the mail. Telegram journals it after the
request is written (httpcore's write lets the loop run first); the server waits for the journal
before killing, so that test is about the order (key before the answer), not the instant.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from streams.alerting.journal import SentJournal
from streams.bench.cluster import free_port

ROOT = Path(__file__).parents[2]
KEY = "3.6c909fb3b621|sentsova|{channel}|esc1"

SENDER = """
import asyncio, json, sys
from datetime import UTC, datetime
from pathlib import Path
from alerts.delivery import DeliveryLog
from alerts.notification import Notification
from alerts.notifiers import EmailConfig, EmailNotifier, deliver_due
from alerts.notifiers.telegram import BotApi, TelegramConfig, TelegramNotifier
from streams.alerting.journal import SentJournal
from streams.bench.cluster import free_port

channel, port, path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
now = datetime.now(UTC)
note = Notification(
    key=f"3.6c909fb3b621|sentsova|{channel}|esc1", kind="escalation", channel=channel,
    address="sentsova@kamyshlov.example" if channel == "email" else "-100123",
    receiver="sentsova", receiver_name="Сенцова Н. А.", subject_id="3.6c909fb3b621",
    seq="esc1", title="Просрочен ответ по инциденту", text="Срок ответа истёк 2 ч назад.",
    html="Срок ответа <b>истёк</b> 2 ч назад.", created_at=now,
)
log = DeliveryLog()
log.enqueue(note, now)
journal = SentJournal(path)
if channel == "email":
    notifier = EmailNotifier(EmailConfig(port=port, sender="mcu@kamyshlov.example"))
else:
    api = BotApi(TelegramConfig(base_url=f"http://127.0.0.1:{port}", token="123:abc"))
    notifier = TelegramNotifier(api)
report = asyncio.run(
    deliver_due(log, {channel: notifier}, now, on_sent=journal.record, on_unsent=journal.retract)
)
print(json.dumps({"sent": report.sent, "retrying": report.retrying, "dead": report.dead}))
"""


class Sender:
    """The sender process; `kill()` is what the servers call at their chosen moment."""

    def __init__(self, channel: str, port: int, journal: Path) -> None:
        self.channel, self.port, self.journal = channel, port, journal
        self.proc: subprocess.Popen[str] | None = None
        self.started = threading.Event()

    def run(self) -> tuple[int, dict[str, Any] | None]:
        args = [sys.executable, "-c", SENDER, self.channel, str(self.port), str(self.journal)]
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.started.set()
        out, _ = self.proc.communicate(timeout=60)
        return self.proc.returncode, json.loads(out) if out.strip() else None

    def kill(self, after_journal: bool = False) -> None:
        """SIGKILL, and wait until the process is gone, before the server says anything.

        `after_journal`: first wait (up to 5 s) for the journal to hold a key (see the module's
        note on Telegram)."""
        deadline = time.monotonic() + 5
        while after_journal and time.monotonic() < deadline:
            if SentJournal(self.journal).recorded():
                break
            time.sleep(0.01)
        self.started.wait(10)
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        while self.proc.poll() is None:
            threading.Event().wait(0.01)


class Mailbox:
    """aiosmtpd handler: keeps each mail it accepts; may kill the sender at RCPT or at DATA."""

    def __init__(self, sender: Sender, kill_at: str | None, data_reply: str = "250 OK") -> None:
        self.sender, self.kill_at, self.data_reply = sender, kill_at, data_reply
        self.kept: list[str] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.kill_at == "rcpt":
            self.sender.kill()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_reply.startswith("250"):
            raw = envelope.original_content or b""
            self.kept.append(raw.decode() if isinstance(raw, bytes) else raw)
        if self.kill_at == "data":
            self.sender.kill()
        return self.data_reply


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "sent-p3.journal"


def _mail(journal: Path, kill_at: str | None, data_reply: str = "250 OK") -> tuple:
    port = free_port()
    sender = Sender("email", port, journal)
    mailbox = Mailbox(sender, kill_at, data_reply)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        code, report = sender.run()
    finally:
        controller.stop()
    return code, report, mailbox.kept


def test_killed_after_the_end_of_data_before_the_reply_the_key_is_journaled(
    journal: Path,
) -> None:
    code, report, kept = _mail(journal, kill_at="data")
    assert code == -9 and report is None
    assert len(kept) == 1 and "X-MCU-Delivery-Key: " + KEY.format(channel="email") in kept[0]
    # The server has the mail: a restarted worker must find the key and not send it again.
    assert SentJournal(journal).recorded() == [KEY.format(channel="email")]


def test_killed_before_the_end_of_data_nothing_is_journaled_nothing_is_kept(
    journal: Path,
) -> None:
    code, report, kept = _mail(journal, kill_at="rcpt")
    assert code == -9 and report is None
    assert kept == []
    # The server kept nothing: a restarted worker must send it.
    assert SentJournal(journal).recorded() == []


def test_a_mail_refused_at_the_end_of_data_is_taken_back_and_retried(journal: Path) -> None:
    code, report, kept = _mail(journal, kill_at=None, data_reply="451 4.3.0 Try again later")
    key = KEY.format(channel="email")
    assert code == 0 and report == {"sent": [], "retrying": [key], "dead": []}
    assert kept == []
    assert journal.read_text() == f"{key}\n-{key}\n"
    assert SentJournal(journal).recorded() == []


def test_an_accepted_mail_is_journaled_once(journal: Path) -> None:
    code, report, kept = _mail(journal, kill_at=None)
    key = KEY.format(channel="email")
    assert code == 0 and report == {"sent": [key], "retrying": [], "dead": []}
    assert len(kept) == 1
    assert journal.read_text() == f"{key}\n"


class _BotHandler(BaseHTTPRequestHandler):
    server: _BotServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        bot = self.server
        if bot.status == 200:
            bot.kept.append(json.loads(body))
        if bot.kill:
            bot.sender.kill(after_journal=True)
        answer = (
            {"ok": True, "result": {"message_id": 1}}
            if bot.status == 200
            else {"ok": False, "description": "Internal Server Error"}
        )
        data = json.dumps(answer).encode()
        self.send_response(bot.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _BotServer(ThreadingHTTPServer):
    def __init__(self, sender: Sender, kill: bool, status: int) -> None:
        super().__init__(("127.0.0.1", sender.port), _BotHandler)
        self.sender, self.kill, self.status = sender, kill, status
        self.kept: list[dict[str, Any]] = []


def _bot(journal: Path, kill: bool, status: int) -> tuple:
    sender = Sender("telegram", free_port(), journal)
    server = _BotServer(sender, kill, status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code, report = sender.run()
    finally:
        server.shutdown()
        server.server_close()
    return code, report, server.kept


def test_killed_after_the_request_before_the_bot_api_answers_the_key_is_journaled(
    journal: Path,
) -> None:
    code, report, kept = _bot(journal, kill=True, status=200)
    assert code == -9 and report is None
    assert [m["chat_id"] for m in kept] == [-100123]
    assert SentJournal(journal).recorded() == [KEY.format(channel="telegram")]


def test_a_message_the_bot_api_fails_is_taken_back_and_retried(journal: Path) -> None:
    code, report, kept = _bot(journal, kill=False, status=500)
    key = KEY.format(channel="telegram")
    assert code == 0 and report == {"sent": [], "retrying": [key], "dead": []}
    assert kept == []
    assert journal.read_text() == f"{key}\n-{key}\n"
    assert SentJournal(journal).recorded() == []
