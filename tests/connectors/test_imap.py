"""IMAP connector (imap-tools) against Dovecot from Debian on loopback and the real Kafka.
Letters are delivered with IMAP APPEND, as an MTA would put them into the mailbox."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from imap_tools import MailBoxUnencrypted

from devstack.settings import DevstackSettings
from tests.connectors import letters
from tests.connectors.support import Run, wait_for

CFG = DevstackSettings()


class Box:
    def __init__(self, folder: str) -> None:
        self.folder = folder

    def client(self) -> MailBoxUnencrypted:
        return MailBoxUnencrypted("127.0.0.1", CFG.imap_port).login(
            CFG.imap_user, CFG.imap_password
        )

    def deliver(self, *raw: bytes) -> None:
        with self.client() as mb:
            for letter in raw:
                mb.append(letter, self.folder)

    def recreate(self) -> None:
        self.delete()
        self.create()

    def delete(self) -> None:
        with self.client() as mb:
            mb.folder.delete(self.folder)

    def create(self) -> None:
        with self.client() as mb:
            mb.folder.create(self.folder)


@pytest.fixture
def box(bootstrap: str) -> Iterator[Box]:
    folder = f"test-{uuid.uuid4().hex[:8]}"
    b = Box(folder)
    with b.client() as mb:
        mb.folder.create(folder)
    yield b
    with b.client() as mb:
        mb.folder.delete(folder)


def start(run: Run, box: Box, **extra: str) -> None:
    run.env.update(
        {
            "MCU_CONNECTORS__IMAP__ENABLED": "true",
            "MCU_CONNECTORS__IMAP__PORT": str(CFG.imap_port),
            "MCU_CONNECTORS__IMAP__USERNAME": CFG.imap_user,
            "MCU_CONNECTORS__IMAP__PASSWORD": CFG.imap_password,
            "MCU_CONNECTORS__IMAP__FOLDER": box.folder,
            "MCU_CONNECTORS__IMAP__IDLE_SECONDS": "2",
            "MCU_CONNECTORS__IMAP__OFFICIAL_ADDRESSES": f'["{letters.ADMIN}"]',
            **extra,
        }
    )
    run.start("connect", "imap")


def by_id(run: Run) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in run.messages()}


def test_letters_are_decoded_and_recognised(box: Box, run: Run) -> None:
    now = datetime.now(UTC)
    heating = f"<heating-{uuid.uuid4().hex[:8]}@mail.example>"
    number = f"2026-{uuid.uuid4().int % 10**6:06d}"
    box.deliver(
        letters.pos_notification(now, number),
        letters.windows_1251(now, heating),
        letters.html_only(now),
        letters.with_attachments(now),
        letters.official_reply(now, heating),
    )
    start(run, box)
    wait_for(lambda: len(run.ids()) == 5, 90, "пять писем")
    got = by_id(run)
    pos = got[f"pos:{number}"]
    assert pos["source"] == "pos" and pos["kind"] == "appeal"
    assert pos["category_hint"] == "Дороги" and pos["pos"]["address"].endswith("Свердлова, 45")
    assert pos["pos"]["applicant_address"] == "г. Камышлов, ул. Советская, 30-12"
    assert "пробили колесо" in pos["text"] and pos["pos"]["deadline"].endswith("18:00:00+05:00")
    assert pos["author"]["name"] == "Шмелёва Ольга Викторовна"
    cp = got[f"mail:{heating}"]
    assert cp["kind"] == "appeal" and "третий день нет отопления" in cp["text"]
    assert cp["text"].startswith("Нет отопления") and cp["author"]["name"] == "Пётр Сидоров"
    [html] = [m for m in got.values() if "Фонари" in m["text"]]
    assert (
        "не горят фонари" in html["text"]
        and "<" not in html["text"]
        and "color" not in html["text"]
    )
    [files] = [m for m in got.values() if "Свалка" in m["text"]]
    assert files["extra"]["attachments"] == ["свалка.jpg", "акт.pdf"]
    [reply] = [m for m in got.values() if m["kind"] == "reply"]
    assert reply["author"]["is_official"] is True
    assert reply["parent_id"] == cp["id"] and reply["thread_id"] == cp["id"]


def test_kill_9_and_a_new_uidvalidity_lose_and_repeat_nothing(box: Box, run: Run) -> None:
    now = datetime.now(UTC)
    batch = [letters.plain(now, f"Обращение {n}: не вывезли мусор на Ленина") for n in range(6)]
    box.deliver(*batch)
    start(run, box, MCU_CONNECTORS__IMAP__BATCH="1")
    wait_for(lambda: run.ids(), 60, "первое письмо")
    run.kill9()
    run.start("connect", "imap")
    wait_for(lambda: len(run.ids()) == 6, 90, "все шесть писем")
    expected = run.ids()
    scope = f"imap:{CFG.imap_user}@127.0.0.1/{box.folder}"
    wait_for(lambda: run.cursors()[scope]["last_uid"] == 6, what="курсор UID")
    first_validity = run.cursors()[scope]["uidvalidity"]
    # The folder is renumbered (a new UIDVALIDITY) with the same letters and one more.
    box.recreate()
    box.deliver(*batch, letters.plain(now, "Новое: сломана скамейка в сквере", minutes=1))
    wait_for(lambda: len(run.ids()) == 7, 90, "новое письмо после смены UIDVALIDITY")
    assert expected < run.ids()
    counts: dict[str, int] = {}
    for m in run.messages():
        counts[m["id"]] = counts.get(m["id"], 0) + 1
    assert max(counts.values()) <= 2  # at most the one letter in flight at the kill
    assert sum(counts.values()) <= 8
    wait_for(lambda: run.cursors()[scope]["uidvalidity"] != first_validity, what="UIDVALIDITY")


def test_a_folder_gone_for_a_moment_is_waited_for(box: Box, run: Run) -> None:
    # The server recreates the folder (a move, a restore): a log-in that finds no folder after
    # the connector has read it is retried. Under load this happened inside the UIDVALIDITY
    # test above, between its delete and create, and stopped the connector for good.
    now = datetime.now(UTC)
    box.deliver(letters.plain(now, "Обращение: не горит фонарь на Садовой"))
    start(run, box)
    wait_for(lambda: len(run.ids()) == 1, 60, "первое письмо")
    box.delete()
    # The folder stays away for 6 s: IDLE returns within 2 s, the next read finds no folder, and
    # so do the log-ins after it.
    time.sleep(6)
    box.create()
    box.deliver(letters.plain(now, "Новое: яма у остановки на Садовой", minutes=1))
    wait_for(lambda: len(run.ids()) == 2, 60, "письмо после возврата папки")


def test_idle_brings_a_new_letter(box: Box, run: Run) -> None:
    start(run, box, MCU_CONNECTORS__IMAP__IDLE_SECONDS="60")
    run.wait_metrics()
    wait_for(lambda: run.cursors(), what="первый опрос")
    box.deliver(letters.plain(datetime.now(UTC), "Упало дерево на провода на Строителей"))
    wait_for(lambda: len(run.ids()) == 1, 30, "письмо через IDLE")


def test_a_wrong_password_stops_the_connector(box: Box, run: Run) -> None:
    start(run, box, MCU_CONNECTORS__IMAP__PASSWORD="not-the-password")
    assert run.wait_exit() == 2
    log = run.log.read_text()
    assert "MCU_CONNECTORS__IMAP__PASSWORD" in log and "not-the-password" not in log
