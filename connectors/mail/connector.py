"""`mcu connect imap`: new letters by UID (UIDVALIDITY change → resync, Message-ID dedup),
then IDLE, re-issued well before the 29-minute limit. imap-tools is synchronous: each IMAP
step runs in a thread, the cursor moves after Kafka acked the batch."""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import socket
from typing import Any, ClassVar

from imap_tools import AND, BaseMailBox, MailBox, MailboxLoginError, MailBoxUnencrypted, MailMessage
from imap_tools.errors import MailboxFolderSelectError

from connectors.base import Context
from connectors.errors import AuthFailed, ConfigMissing, Transient
from connectors.mail.letters import Mailbox, to_wire
from connectors.settings import ConnectorSettings, ImapSettings, secret

PREFIX = "MCU_CONNECTORS__IMAP__"
SEEN = 5000  # Message-IDs remembered for dedup across a resync
TRANSIENT = (OSError, imaplib.IMAP4.error, imaplib.IMAP4.abort, socket.timeout)


class ImapConnector:
    name: ClassVar[str] = "imap"
    source: ClassVar[str] = "email"

    def __init__(self, settings: ConnectorSettings) -> None:
        self.cfg: ImapSettings = settings.connectors.imap
        self.pos_url = settings.connectors.pos.public_url
        self.box: BaseMailBox | None = None
        self.password = ""
        # The folder was selected once: a log-in that finds none is the server moving or
        # recreating it (a new UIDVALIDITY), retried; before that it is a wrong setting.
        self.folder_seen = False

    @property
    def scope(self) -> str:
        return f"{self.cfg.username}@{self.cfg.host}/{self.cfg.folder}"

    def _login(self, password: str) -> BaseMailBox:
        cls = MailBox if self.cfg.ssl else MailBoxUnencrypted
        try:
            box = cls(self.cfg.host, self.cfg.port, timeout=60)
            box.login(self.cfg.username, password, initial_folder=self.cfg.folder)
        except MailboxLoginError as exc:
            raise AuthFailed(
                f"IMAP-сервер отклонил вход; проверьте {PREFIX}USERNAME и {PREFIX}PASSWORD."
            ) from exc
        except MailboxFolderSelectError as exc:
            if self.folder_seen:
                raise Transient(
                    f"IMAP: папки {self.cfg.folder!r} сейчас нет на сервере; ждём её", code="folder"
                ) from exc
            raise ConfigMissing(
                f"Нет папки {self.cfg.folder!r}; проверьте {PREFIX}FOLDER."
            ) from exc
        except TRANSIENT as exc:
            raise Transient(f"IMAP: {type(exc).__name__}", code="network") from exc
        self.folder_seen = True
        return box

    def _session(self) -> BaseMailBox:
        """The logged-in session; a new one after a transient error dropped the old (so a retry
        of a read or of IDLE logs in again instead of finding no session)."""
        if self.box is None:
            self.box = self._login(self.password)
        return self.box

    def _fetch(self, last_uid: int) -> tuple[int, list[tuple[int, MailMessage]]]:
        """(UIDVALIDITY, [(uid, letter)…]) of the next batch above last_uid."""
        session = self._session()
        try:
            validity = int(session.folder.status(self.cfg.folder, ["UIDVALIDITY"])["UIDVALIDITY"])
            uids = [int(u) for u in session.uids(AND(uid=f"{last_uid + 1}:*"))]
            todo = sorted(u for u in uids if u > last_uid)[: self.cfg.batch]
            if not todo:
                return validity, []
            letters = session.fetch(AND(uid=[str(u) for u in todo]), mark_seen=False, bulk=True)
            return validity, sorted(((int(m.uid or 0), m) for m in letters), key=lambda x: x[0])
        except TRANSIENT as exc:
            self.box = None
            raise Transient(f"IMAP: {type(exc).__name__}", code="network") from exc

    def _idle(self) -> None:
        session = self._session()
        try:
            session.idle.wait(timeout=self.cfg.idle_seconds)
        except TRANSIENT as exc:
            self.box = None
            raise Transient(f"IMAP IDLE: {type(exc).__name__}", code="network") from exc

    async def run(self, ctx: Context) -> None:
        self.password = secret(self.cfg.password, self.cfg.password_file, f"{PREFIX}PASSWORD")
        box = Mailbox(self.cfg.official_addresses, self.cfg.pos_senders, self.pos_url, ctx.zone)
        try:
            while not ctx.stop.is_set():
                # The read and IDLE log in when the session is gone (`_session`).
                if not await self._drain(ctx, box):
                    ctx.metrics.polled(ctx.name)
                    await ctx.retrying(lambda: asyncio.to_thread(self._idle))
        finally:
            if self.box is not None:
                await asyncio.to_thread(self.box.logout)

    async def _drain(self, ctx: Context, box: Mailbox) -> bool:
        """Reads one batch; True if there was something (so the next batch follows at once)."""
        state: dict[str, Any] = ctx.cursor(self.scope) or {
            "uidvalidity": None,
            "last_uid": 0,
            "seen": [],
        }
        validity, letters = await ctx.retrying(
            lambda: asyncio.to_thread(self._fetch, int(state["last_uid"]))
        )
        if state["uidvalidity"] not in (None, validity):
            # The server renumbered the folder: read it again; Message-IDs keep ids stable.
            ctx.metrics.error(ctx.name, "uidvalidity")
            await ctx.emit([], {self.scope: {**state, "uidvalidity": validity, "last_uid": 0}})
            # The session may still have the old (deleted) folder selected, where a search
            # finds nothing: log in again, which selects the folder as it is now.
            old, self.box = self.box, None
            if old is not None:
                with contextlib.suppress(Exception):  # a dead session: nothing to close
                    await asyncio.to_thread(old.logout)
            return True
        if not letters:
            if state["uidvalidity"] is None:
                await ctx.emit([], {self.scope: {**state, "uidvalidity": validity}})
            return False
        seen = list(state["seen"])
        known = set(seen)
        found = []
        for uid, letter in letters:
            message = to_wire(letter, box, f"uid-{validity}-{uid}@{self.cfg.folder}")
            if message.id in known:
                continue  # the same letter again (a copy, or a resync)
            known.add(message.id)
            seen.append(message.id)
            found.append(message)
        cursor = {"uidvalidity": validity, "last_uid": letters[-1][0], "seen": seen[-SEEN:]}
        await ctx.emit(found, {self.scope: cursor})
        return True
