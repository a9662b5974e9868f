"""Connector name → factory; `mcu connect NAME` and `mcu connectors` look names up here."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from connectors.base import Connector
from connectors.settings import ConnectorSettings

# Modules are imported only when their connector runs: each pulls its own client library.
REGISTRY: dict[str, str] = {
    "vk": "connectors.vk.connector:VkConnector",
    "ok": "connectors.ok.connector:OkConnector",
    "telegram": "connectors.telegram.connector:TelegramConnector",
    "telethon": "connectors.telethon.connector:TelethonConnector",
    "max": "connectors.max.connector:MaxConnector",
    "imap": "connectors.mail.connector:ImapConnector",
    "form": "connectors.form:FormConnector",
}


def build(name: str, settings: ConnectorSettings) -> Connector:
    try:
        target = REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"Нет коннектора «{name}»; есть: {known}") from None
    module, attr = target.split(":")
    factory: Callable[[ConnectorSettings], Connector] = getattr(import_module(module), attr)
    return factory(settings)
