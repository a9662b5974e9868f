"""What a notifier is: one channel, one async send that returns the provider's reference."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from alerts.notification import Notification
from alerts.roster import Channel


class DeliveryError(Exception):
    """Sending failed; `permanent` means retrying cannot help (unknown chat, rejected address)."""

    def __init__(
        self, message: str, permanent: bool = False, retry_after: timedelta | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class HandOver(Protocol):
    """What a notifier tells its host about one notification on its way out."""

    def __call__(self) -> None:
        """From now on the notification counts as sent, even if this process dies: the host
        journals its key."""

    def take_back(self) -> None:
        """It did not leave after all (the write failed or waits in the process's buffer)."""


class Notifier(Protocol):
    """`send` returns once the provider accepted the notification. A notifier that can name the
    moment the notification leaves this process calls `handed_over()` there (see HandOver); the
    host journals the key, so a crash after it does not make a restarted worker send it again."""

    channel: Channel

    async def send(
        self, notification: Notification, handed_over: HandOver | None = None
    ) -> str: ...
