"""Delivery of notifications: e-mail and Telegram; the only place in alerts/ with I/O."""

from alerts.notifiers.base import DeliveryError, Notifier
from alerts.notifiers.dispatch import DeliveryReport, deliver_due, run_delivery
from alerts.notifiers.poller import PollResult, poll_actions
from alerts.notifiers.smtp import EmailConfig, EmailNotifier
from alerts.notifiers.telegram import BotApi, TelegramConfig, TelegramNotifier

# Notifier plug-ins by channel: the factory takes the channel's config.
NOTIFIERS = {"email": EmailNotifier, "telegram": TelegramNotifier}

__all__ = [
    "NOTIFIERS",
    "BotApi",
    "DeliveryError",
    "DeliveryReport",
    "EmailConfig",
    "EmailNotifier",
    "Notifier",
    "PollResult",
    "TelegramConfig",
    "TelegramNotifier",
    "deliver_due",
    "poll_actions",
    "run_delivery",
]
