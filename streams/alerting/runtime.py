"""What the alert agents share: config, engine, router, state in faust tables, notifiers."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import faust

from alerts.config import AlertsConfig, load_config
from alerts.delivery import DeliveryLog
from alerts.engine import Engine
from alerts.notifiers.base import Notifier
from alerts.notifiers.smtp import EmailConfig, EmailNotifier
from alerts.notifiers.telegram import BotApi, TelegramConfig, TelegramNotifier
from alerts.pii import PiiMask
from alerts.roster import CHANNELS
from alerts.router import Router
from alerts.state import ENGINE_TABLES, ROUTER_TABLES, State
from streams.settings import AlertsSettings

DELIVERIES = "deliveries"
log = logging.getLogger(__name__)


@dataclass
class AlertsRuntime:
    config: AlertsConfig
    engine: Engine
    router: Router
    state: State
    log: DeliveryLog
    control: faust.TopicT
    notifiers: dict[str, Notifier]
    # None: no Telegram token, Telegram is off.
    bot: BotApi | None

    async def submit(self, kind: str, body: dict[str, Any]) -> None:
        """Everything that changes alert state goes through the control topic, in order."""
        payload = {"type": kind, "at": datetime.now(UTC).isoformat(), **body}
        await self.control.send(
            key=b"alerts", value=json.dumps(payload, ensure_ascii=False).encode()
        )


def build(app: faust.App, control_topic: str, settings: AlertsSettings) -> AlertsRuntime:
    """Loads and checks the config (a bad file raises ConfigError naming file and line)."""
    config = load_config(settings.config_files)
    control = app.topic(control_topic, key_type=bytes, value_type=bytes, partitions=1)
    tables = {
        name: app.Table(
            f"alerts-{name}",
            partitions=1,
            schema=faust.Schema(key_serializer="json", value_serializer="json"),
            help=f"alert state: {name}",
        )
        for name in (*ENGINE_TABLES, *ROUTER_TABLES, DELIVERIES)
    }
    bot = telegram_bot(settings)
    email = EmailNotifier(
        EmailConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
        )
    )
    notifiers: dict[str, Notifier] = {"email": email}
    if bot is not None:
        notifiers["telegram"] = TelegramNotifier(bot)
    pii = PiiMask(contacts=settings.mask_pii, authors=settings.mask_authors)
    return AlertsRuntime(
        config=config,
        engine=Engine(config),
        router=Router(config, pii=pii, channels=[c for c in CHANNELS if c in notifiers]),
        state=State({name: tables[name] for name in (*ENGINE_TABLES, *ROUTER_TABLES)}),
        log=DeliveryLog(tables[DELIVERIES]),
        control=control,
        notifiers=notifiers,
        bot=bot,
    )


def telegram_bot(settings: AlertsSettings) -> BotApi | None:
    """No token, no Telegram: alerts go by e-mail only, and the log says so once."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        log.warning(
            "Telegram отключён: не задан MCU_ALERTS__TELEGRAM_TOKEN "
            "(или MCU_ALERTS__TELEGRAM_TOKEN_FILE); оповещения уходят только по e-mail"
        )
        return None
    return BotApi(
        TelegramConfig(base_url=settings.telegram_base_url, token=settings.telegram_token)
    )
