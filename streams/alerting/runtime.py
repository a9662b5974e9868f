"""What the alert agents share: config, router, notifiers, and per-partition state in tables.

Alert state is partitioned like the control topic: an event of partition p reads and writes
only keys under the prefix "p/" of each table, and faust writes them to changelog partition p.
A worker holds the partitions it was assigned, so N workers share the state.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
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
from streams.alerting.journal import SentJournal
from streams.alerting.shards import Prefixed
from streams.alerting.writeback import WriteBack
from streams.settings import AlertsSettings

DELIVERIES = "deliveries"
PENDING = "pending"
TABLES = (*ENGINE_TABLES, *ROUTER_TABLES, DELIVERIES, PENDING)


@dataclass
class Session:
    """One control event's view of a partition's state: written back once, at the end."""

    state: State
    log: DeliveryLog
    views: dict[str, WriteBack]

    def flush(self) -> None:
        for view in self.views.values():
            view.flush()


@dataclass
class Shard:
    """One partition's engine, tables (its keys only) and sent-journal.

    Its events run one at a time (`run`). When a rebalance takes the partition away, `revoke`
    waits for the event in progress: faust does not (stream_wait_empty is off), and the new owner
    would otherwise restore the tables without that event's writes and send, in its first tick,
    what this worker was still sending. Events that reach the shard afterwards are left to the
    new owner, which reads them again from the committed offset."""

    partition: int
    engine: Engine
    tables: dict[str, Prefixed]
    journal: SentJournal
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    revoked: bool = False

    async def run(self, work: Callable[[], Awaitable[None]]) -> bool:
        """Runs one event's work unless the partition was revoked; False when it was not run."""
        async with self.lock:
            if self.revoked:
                return False
            await work()
            return True

    async def revoke(self) -> None:
        """Waits for the event in progress, then refuses the next ones until `assign`."""
        async with self.lock:
            self.revoked = True

    def assign(self) -> None:
        self.revoked = False

    def session(self) -> Session:
        views = {name: WriteBack(table) for name, table in self.tables.items()}
        state = State(dict(views))
        return Session(state, DeliveryLog(views[DELIVERIES], pending=views[PENDING]), views)


log = logging.getLogger(__name__)


@dataclass
class AlertsRuntime:
    config: AlertsConfig
    router: Router
    tables: dict[str, Any]
    control: faust.TopicT
    partitions: int
    notifiers: dict[str, Notifier]
    # None: no Telegram token, Telegram is off.
    bot: BotApi | None
    journal_dir: Path
    shards: dict[int, Shard] = field(default_factory=dict)

    @property
    def engine(self) -> Engine:
        """An engine for what does not depend on a partition (departments, rule names)."""
        return self.shard(0).engine

    def known_shards(self, tps: Iterable[Any]) -> list[Shard]:
        """The shards this worker has built for the control partitions among `tps`."""
        control = self.control.get_topic_name()
        return [
            self.shards[tp.partition]
            for tp in tps
            if tp.topic == control and tp.partition in self.shards
        ]

    def shard(self, partition: int) -> Shard:
        if partition not in self.shards:
            self.shards[partition] = Shard(
                partition=partition,
                engine=Engine(self.config, shard=f"{partition}."),
                tables={name: Prefixed(self.tables[name], partition) for name in TABLES},
                journal=SentJournal(self.journal_dir / f"sent-p{partition}.journal"),
            )
        return self.shards[partition]

    async def submit(
        self, kind: str, body: dict[str, Any], key: str | None = None, partition: int | None = None
    ) -> None:
        """Sends one control event: by key (a message's route), to one partition, or to all."""
        payload = {"type": kind, "at": datetime.now(UTC).isoformat(), **body}
        value = json.dumps(payload, ensure_ascii=False).encode()
        if key is not None:
            await self.control.send(key=key.encode(), value=value)
            return
        targets = [partition] if partition is not None else list(range(self.partitions))
        for p in targets:
            await self.control.send(key=kind.encode(), value=value, partition=p)


def build(
    app: faust.App, control_topic: str, partitions: int, settings: AlertsSettings, data_dir: Path
) -> AlertsRuntime:
    """Loads and checks the config (a bad file raises ConfigError naming file and line)."""
    config = load_config(settings.config_files)
    control = app.topic(control_topic, key_type=bytes, value_type=bytes, partitions=partitions)
    tables = {
        name: app.Table(
            f"alerts-{name}",
            partitions=partitions,
            schema=faust.Schema(key_serializer="json", value_serializer="json"),
            help=f"alert state: {name}",
        )
        for name in TABLES
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
        router=Router(config, pii=pii, channels=[c for c in CHANNELS if c in notifiers]),
        tables=tables,
        control=control,
        partitions=partitions,
        notifiers=notifiers,
        bot=bot,
        journal_dir=settings.journal_dir or data_dir / "journal",
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
