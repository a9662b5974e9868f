"""What a notifier is: one channel, one async send that returns the provider's reference."""

from __future__ import annotations

from collections.abc import Callable
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


class Notifier(Protocol):
    """`send` returns once the provider accepted the notification. If it can tell the moment
    the whole notification has left this process (after which the provider gets it even if the
    process dies), it calls `handed_over()` then; the host journals the key there."""

    channel: Channel

    async def send(
        self, notification: Notification, handed_over: Callable[[], None] | None = None
    ) -> str: ...
