"""E-mail over SMTP (aiosmtplib); the Message-ID is derived from the delivery key."""

from __future__ import annotations

import asyncio
import hashlib
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import cast

import aiosmtplib
from pydantic import BaseModel, ConfigDict, SecretStr

from alerts.notification import Notification
from alerts.notifiers.base import DeliveryError, HandOver
from alerts.roster import Channel


class EmailConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "mcu-monitor@localhost"
    sender_name: str = "МЦУ: мониторинг обращений"
    username: str | None = None
    password: SecretStr | None = None
    use_tls: bool = False
    # None: STARTTLS when the server offers it.
    start_tls: bool | None = None
    timeout: float = 15.0


class EmailNotifier:
    channel: Channel = "email"

    def __init__(self, config: EmailConfig) -> None:
        self.config = config
        self._closing: set[asyncio.Future[None]] = set()

    def build(self, notification: Notification) -> EmailMessage:
        message = EmailMessage()
        message["From"] = formataddr((self.config.sender_name, self.config.sender))
        message["To"] = notification.address
        message["Subject"] = notification.title
        message["Date"] = formatdate(notification.created_at.timestamp(), localtime=False)
        # Same key, same Message-ID: a receiving side can drop a duplicate after a crash mid-send.
        digest = hashlib.sha1(notification.key.encode()).hexdigest()[:32]
        domain = self.config.sender.rpartition("@")[2] or "localhost"
        message["Message-ID"] = f"<{digest}@{domain}>"
        message["X-MCU-Delivery-Key"] = notification.key
        message["X-MCU-Alerts"] = ",".join(notification.alert_ids)
        # When the route let it go (after group_wait or group_interval), to the microsecond.
        message["X-MCU-Created-At"] = notification.created_at.isoformat()
        message.set_content(notification.text)
        return message

    async def send(self, notification: Notification, handed_over: HandOver | None = None) -> str:
        """Returns as soon as the server has accepted the message (its reply to DATA).

        `handed_over()` runs right before the write of the message's last bytes (the final "."),
        in the same call, with nothing else running in between; once that write is in the kernel
        the server gets the whole mail even if this process is killed, and without it the server
        gets no end of data and keeps nothing. The caller journals the key there. QUIT is sent
        afterwards, in the background."""
        message = self.build(notification)
        cfg = self.config
        client = aiosmtplib.SMTP(
            hostname=cfg.host,
            port=cfg.port,
            username=cfg.username,
            password=cfg.password.get_secret_value() if cfg.password else None,
            use_tls=cfg.use_tls,
            start_tls=cfg.start_tls,
            timeout=cfg.timeout,
        )
        try:
            await client.connect()
            if handed_over is not None:
                _on_end_of_data(client, handed_over)
            await client.send_message(message)
        except (ValueError, TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            client.close()
            raise _refusal(exc) from exc
        task = asyncio.ensure_future(_quit(client))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        return str(message["Message-ID"])


def _on_end_of_data(client: aiosmtplib.SMTP, handed_over: HandOver) -> None:
    """Hands the mail over right before the write that ends the DATA phase.

    Journaling before the write, not after it: on loopback or a fast link the server reads the
    "." and stores the mail while this process waits for the CPU that the write gave to the
    server, so a crash after the write and before the journal was a duplicate in up to 3 of 10
    kills at that instant on two busy cores (`python -m scripts.journal_window`). Before it, a
    crash would have to fall between two system calls that run back to back. If the transport
    keeps part of the write in the process (a full socket buffer), the hand-over is taken back
    and the key is journaled when the server answers, as for any notifier."""
    protocol = client.protocol
    if protocol is None:
        return
    write = protocol.write

    def tell_then_write(data: bytes) -> None:
        # The message aiosmtplib writes after DATA's 354 always ends with CRLF "." CRLF.
        if not data.endswith(b"\r\n.\r\n"):
            write(data)
            return
        handed_over()
        try:
            write(data)
        except BaseException:
            handed_over.take_back()
            raise
        transport = cast(asyncio.WriteTransport | None, protocol.transport)
        if transport is None or transport.get_write_buffer_size() > 0:
            handed_over.take_back()

    protocol.write = tell_then_write  # type: ignore[method-assign]


def _refusal(exc: Exception) -> DeliveryError:
    """What a failed send means for the delivery: permanent (a bad or refused address, a 5xx
    answer) or worth another try."""
    if isinstance(exc, ValueError):
        # aiosmtplib refuses malformed addresses before talking to the server.
        return DeliveryError(f"SMTP: неверный адрес: {exc}", permanent=True)
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return DeliveryError(f"SMTP: адрес отклонён: {exc}", permanent=True)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryError(f"SMTP {exc.code}: {exc.message}", permanent=exc.code >= 500)
    return DeliveryError(f"SMTP недоступен: {exc}")


async def _quit(client: aiosmtplib.SMTP) -> None:
    """Says goodbye politely; the mail is already accepted, so a failure here changes nothing."""
    try:
        await client.quit()
    except (TimeoutError, aiosmtplib.SMTPException, OSError):
        client.close()
