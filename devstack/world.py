"""The demo's outside world: the bundled sample messages put where citizens would write them —
posts and comments on the local VK and OK servers, chat messages on the Bot API server,
letters (and ПОС notifications) in the Dovecot mailbox, posts to the site form. The
connectors then fetch them; nothing is written to Kafka here."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

VK_GROUP = 195432100
OK_GROUP = "54321098765432"
TG_CHAT = -1001500000001
TG_OFFICIAL = 700100
ADMIN_MAIL = "priemnaya@kamyshlov-adm.ru"
POS_SENDER = "noreply@pos.gosuslugi.ru"
TG_TOKEN = "700000001:demo-connector-bot"


@dataclass(frozen=True)
class Endpoints:
    vk: str
    ok: str
    botapi: str
    form: str
    form_secret: str
    imap_port: int
    imap_user: str
    imap_password: str


def post(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    data = json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def _when(row: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(row["created_at"])


def _num(author_id: str | None) -> int:
    digits = "".join(ch for ch in str(author_id or "") if ch.isdigit())
    return int(digits[-9:] or "1")


class World:
    """`run` counts demo runs on this stack: the first keeps the sample's own ids, later ones
    make letters, ПОС numbers and form ids unique, as new ones would be (the connectors rightly
    drop a Message-ID, a ПОС number or a form id they already sent)."""

    def __init__(self, at: Endpoints, run: int = 0) -> None:
        self.at = at
        self.run = run
        self.ids: dict[str, Any] = {}
        self.sent: Counter[str] = Counter()

    def unique(self, value: str) -> str:
        return value if self.run == 0 else f"{value}-r{self.run}"

    def message_id(self, sample_id: str) -> str:
        local = sample_id.split(":", 1)[1].strip("<>")
        return f"<{local}>" if self.run == 0 else f"<r{self.run}.{local}>"

    def seed(self, rows: Iterable[dict[str, Any]]) -> Counter[str]:
        """Puts every sample message in its place; returns how many per wire source."""
        letters: list[bytes] = []
        for row in rows:
            handler = getattr(self, f"_{row['source']}", None)
            if handler is None:
                continue
            letter = handler(row)
            if isinstance(letter, bytes):
                letters.append(letter)
        self._deliver(letters)
        return self.sent

    def _vk(self, row: dict[str, Any]) -> None:
        owner = -VK_GROUP
        when = int(_when(row).timestamp())
        from_id = owner if row["author"]["is_official"] else _num(row["author"]["id"])
        if row["kind"] == "post":
            made = post(
                f"{self.at.vk}/_test/post",
                {"owner_id": owner, "from_id": from_id, "text": row["text"], "date": when},
            )
            self.ids[row["id"]] = ("post", made["id"])
        else:
            thread = self.ids.get(row["thread_id"])
            if thread is None:
                return
            body = {
                "owner_id": owner,
                "post_id": thread[1],
                "from_id": from_id,
                "text": row["text"],
                "date": when,
            }
            parent = self.ids.get(row["parent_id"])
            if parent and parent[0] == "comment":
                body["reply_to_comment"] = parent[1]
            made = post(f"{self.at.vk}/_test/comment", body)
            self.ids[row["id"]] = ("comment", made["id"])
        self.sent["vk"] += 1

    def _ok(self, row: dict[str, Any]) -> None:
        official = row["author"]["is_official"]
        if row["kind"] == "post":
            # OK stamps a topic when it is created: the sample's date is not sent.
            ref = f"group:{OK_GROUP}" if official else f"user:{_num(row['author']['id'])}"
            created = {
                "gid": OK_GROUP,
                "text": row["text"],
                "author_ref": ref,
            }
            made = post(f"{self.at.ok}/_test/topic", created)
        else:
            topic = self.ids.get(row["thread_id"])
            if topic is None:
                return
            body = {
                "topic": topic,
                "text": row["text"],
                "author_id": OK_GROUP if official else _num(row["author"]["id"]),
            }
            if official:
                body["author_type"] = "GROUP"
            made = post(f"{self.at.ok}/_test/comment", body)
        self.ids[row["id"]] = made["id"]
        self.sent["ok"] += 1

    def _telegram(self, row: dict[str, Any]) -> None:
        official = row["author"]["is_official"]
        body: dict[str, Any] = {
            "bot": TG_TOKEN,
            "chat_id": TG_CHAT,
            "title": "Камышлов — вопросы жителей",
            "text": row["text"],
            "date": int(_when(row).timestamp()),
            "from_id": TG_OFFICIAL if official else _num(row["author"]["id"]),
            "from_name": row["author"].get("name") or "Житель",
        }
        parent = self.ids.get(row.get("parent_id") or "")
        if parent:
            body["reply_to"] = parent
        made = post(f"{self.at.botapi}/_test/chat_message", body)
        self.ids[row["id"]] = made["message_id"]
        self.sent["telegram"] += 1

    def _site(self, row: dict[str, Any]) -> None:
        if row["kind"] != "appeal":
            return  # answers to site forms are given by e-mail, not through the form
        from connectors.form import signature

        body = {
            "id": self.unique(row["id"].split(":", 1)[1].replace("/", "-")),
            "text": row["text"],
            "name": row["author"].get("name"),
            "created_at": row["created_at"],
        }
        data = json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(
            self.at.form, data=data,
            headers={"Content-Type": "application/json",
                     "X-Signature": signature(self.at.form_secret, data)},
        )  # fmt: skip
        urllib.request.urlopen(req, timeout=60).read()
        self.sent["site"] += 1

    def _email(self, row: dict[str, Any]) -> bytes:
        msg = EmailMessage()
        author = row["author"]
        address = ADMIN_MAIL if author["is_official"] else str(author["id"]).split(":", 1)[-1]
        msg["From"] = f"{author.get('name') or 'Житель'} <{address}>"
        msg["To"] = ADMIN_MAIL
        first, _, rest = row["text"].partition("\n")
        subject = first.removeprefix("Тема:").strip() if first.startswith("Тема:") else "Обращение"
        msg["Subject"] = subject
        msg["Date"] = format_datetime(_when(row))
        msg["Message-ID"] = self.message_id(row["id"])
        if row.get("parent_id"):
            parent = self.message_id(row["parent_id"])
            msg["In-Reply-To"] = parent
            msg["References"] = parent
        msg.set_content(rest.strip() if first.startswith("Тема:") else row["text"])
        self.sent["email"] += 1
        return msg.as_bytes()

    def _pos(self, row: dict[str, Any]) -> bytes | None:
        if row["kind"] != "appeal":
            return None  # ПОС answers stay inside ПОС; the registry export carries their status
        number = self.unique(row["id"].split(":", 1)[1])
        msg = EmailMessage()
        msg["From"] = f"Госуслуги. Решаем вместе <{POS_SENDER}>"
        msg["To"] = ADMIN_MAIL
        msg["Subject"] = f"Новое сообщение № {number}"
        msg["Date"] = format_datetime(_when(row))
        msg["Message-ID"] = f"<pos-{number}-{uuid.uuid4().hex[:8]}@pos.gosuslugi.ru>"
        msg.set_content(
            f"Поступило новое сообщение № {number}.\n\nНомер сообщения: {number}\n"
            f"Заявитель: {row['author'].get('name') or ''}\nТекст сообщения: {row['text']}\n"
            f"Ссылка на сообщение: {row.get('url') or ''}\n"
        )
        self.sent["pos"] += 1
        return msg.as_bytes()

    def _deliver(self, letters: list[bytes]) -> None:
        if not letters:
            return
        from imap_tools import MailBoxUnencrypted

        box = MailBoxUnencrypted("127.0.0.1", self.at.imap_port)
        with box.login(self.at.imap_user, self.at.imap_password) as mailbox:
            for letter in letters:
                mailbox.append(letter, "INBOX")
