"""Sends what the delivery log says is due; failures wait with backoff, nothing is dropped."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from alerts.delivery import DeliveryLog
from alerts.notifiers.base import DeliveryError, Notifier


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)
    # Not tried this round because the channel already failed in it.
    deferred: list[str] = field(default_factory=list)


@dataclass
class _HandOver:
    """The notifier's `handed_over` for one key: the host's journal callbacks, told once."""

    key: str
    on_sent: Callable[[str], None] | None
    on_unsent: Callable[[str], None] | None
    done: bool = False

    def __call__(self) -> None:
        if not self.done and self.on_sent is not None:
            self.on_sent(self.key)
        self.done = True

    def take_back(self) -> None:
        if self.done and self.on_unsent is not None:
            self.on_unsent(self.key)
        self.done = False


async def deliver_due(
    log: DeliveryLog,
    notifiers: Mapping[str, Notifier],
    now: datetime,
    on_sent: Callable[[str], None] | None = None,
    on_unsent: Callable[[str], None] | None = None,
) -> DeliveryReport:
    """One pass over due notifications, oldest first; a failing channel is skipped for the pass.

    `on_sent(key)` runs when the notifier hands the notification over (see HandOver), or else the
    moment its server accepted it, before anything else can await: the host journals the key
    there so a crash after it cannot resend it. If the hand-over is taken back, or the server
    then refuses the notification, `on_unsent(key)` takes the key back."""
    report = DeliveryReport()
    down: set[str] = set()
    for notification in log.due(now):
        if log.is_sent(notification.key):
            continue
        notifier = notifiers.get(notification.channel)
        if notifier is None:
            log.mark_failed(
                notification.key, now, f"нет отправителя для канала {notification.channel}", True
            )
            report.dead.append(notification.key)
            continue
        if notification.channel in down:
            report.deferred.append(notification.key)
            continue
        handed_over = _HandOver(notification.key, on_sent, on_unsent)
        try:
            ref = await notifier.send(notification, handed_over)
        except DeliveryError as exc:
            handed_over.take_back()
            record = log.mark_failed(
                notification.key, now, str(exc), exc.permanent, exc.retry_after
            )
            if record.status == "dead":
                report.dead.append(notification.key)
            else:
                report.retrying.append(notification.key)
                down.add(notification.channel)
            continue
        handed_over()  # journals the key unless the notifier already handed it over
        log.mark_sent(notification.key, now, ref)
        report.sent.append(notification.key)
    return report


async def run_delivery(
    log: DeliveryLog,
    notifiers: Mapping[str, Notifier],
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    interval: float = 1.0,
) -> None:
    """Delivers until `stop` is set; the host owns the clock."""
    while not stop.is_set():
        await deliver_due(log, notifiers, clock())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
