"""Connector settings: `MCU_CONNECTORS__<SOURCE>__<NAME>` next to every product setting.

Secrets are SecretStr or `*_file` paths (a mounted secret); never command-line arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from connectors.errors import ConfigMissing
from streams.settings import Settings


def secret(value: SecretStr | None, file: Path | None, setting: str) -> str:
    """The secret from the setting or from its file; a clear Russian error when neither is set."""
    if value is not None and value.get_secret_value():
        return value.get_secret_value()
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigMissing(
                f"Не удалось прочитать файл секрета {file} ({setting}_FILE): {exc.strerror}"
            ) from exc
        if text:
            return text
    raise ConfigMissing(f"Не задан {setting} (или {setting}_FILE — путь к файлу с секретом).")


class Source(BaseModel):
    enabled: bool = False
    poll_seconds: float = Field(default=30.0, gt=0)
    # The «source silent» alert fires when nothing new came for this long.
    silence_hours: float = Field(default=24.0, gt=0)


class VkSettings(Source):
    api_url: str = "https://api.vk.com/method"
    version: str = "5.199"
    token: SecretStr | None = None
    token_file: Path | None = None
    # 3 requests/s for a user token, 20/s for a community token (VK's limits).
    token_kind: Literal["user", "community"] = "community"
    # The administered community (positive id): Long Poll, Callback API, its replies are official.
    group_id: int | None = None
    mode: Literal["poll", "longpoll", "callback"] = "poll"
    # Walls to poll with wall.get / wall.getComments (owner ids, negative for communities).
    walls: list[int] = []
    # newsfeed.search queries; empty means: the municipality's names and roster from the lexicons.
    keywords: list[str] = []
    search: bool = False
    search_overlap_seconds: float = 600.0
    # Posts whose comments are rescanned when their count grows (the newest of each wall).
    track_posts: int = 50
    # Known official accounts (roster): their posts and comments are replies of the administration.
    official_ids: list[int] = []
    callback_host: str = "127.0.0.1"
    callback_port: int = 8091
    callback_confirmation: SecretStr | None = None
    callback_confirmation_file: Path | None = None
    callback_secret: SecretStr | None = None
    callback_secret_file: Path | None = None
    longpoll_wait: int = 25


class OkSettings(Source):
    api_url: str = "https://api.ok.ru/fb.do"
    application_key: str = ""
    access_token: SecretStr | None = None
    access_token_file: Path | None = None
    secret_key: SecretStr | None = None
    secret_key_file: Path | None = None
    groups: list[str] = []
    official_ids: list[str] = []
    requests_per_second: float = 5.0


class BotSource(Source):
    """A bot API with long polling or a webhook with a secret header (Telegram, MAX)."""

    token: SecretStr | None = None
    token_file: Path | None = None
    mode: Literal["poll", "webhook"] = "poll"
    poll_timeout: int = 25
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8092
    webhook_secret: SecretStr | None = None
    webhook_secret_file: Path | None = None
    # Accounts whose messages are the administration's replies (besides the chat's own posts).
    official_ids: list[int] = []


class TelegramSettings(BotSource):
    base_url: str = "https://api.telegram.org"


class TelethonSettings(Source):
    api_id: int | None = None
    api_hash: SecretStr | None = None
    api_hash_file: Path | None = None
    session_file: Path = Path(".devstack/telethon.session")
    channels: list[str] = []
    official_ids: list[int] = []
    history_batch: int = 100
    # Read Telethon's own TL objects from this folder instead of MTProto (tests and the demo).
    replay_dir: Path | None = None


class MaxSettings(BotSource):
    base_url: str = "https://platform-api.max.ru"
    webhook_port: int = 8093
    requests_per_second: float = 20.0


class ImapSettings(Source):
    host: str = "127.0.0.1"
    port: int = 143
    ssl: bool = False
    username: str = ""
    password: SecretStr | None = None
    password_file: Path | None = None
    folder: str = "INBOX"
    # Letters from these addresses are the administration's replies (kind reply).
    official_addresses: list[str] = []
    # ПОС notification letters: sender addresses (others are parsed as plain appeals).
    pos_senders: list[str] = ["noreply@pos.gosuslugi.ru"]
    # IDLE is re-issued before the server's 30-minute limit (RFC 2177 asks for 29).
    idle_seconds: float = Field(default=5 * 60, gt=0, le=29 * 60)
    batch: int = 50


class FormSettings(Source):
    host: str = "127.0.0.1"
    port: int = 8094
    hmac_secret: SecretStr | None = None
    hmac_secret_file: Path | None = None
    max_bytes: int = 64 * 1024
    site_url: str = "https://example.invalid"


class PosSettings(BaseModel):
    public_url: str = "https://pos.gosuslugi.ru/lkp/appeals/{number}/"
    timezone: str = "Asia/Yekaterinburg"


class ConnectorsConfig(BaseModel):
    # The connectors `mcu connectors` runs; each also needs `enabled`.
    run: list[str] = []
    metrics_port: int = 9109
    metrics_addr: str = "127.0.0.1"
    cursor_topic: str = "mcu.connectors.cursors"
    timezone: str = "Asia/Yekaterinburg"
    vk: VkSettings = VkSettings()
    ok: OkSettings = OkSettings()
    telegram: TelegramSettings = TelegramSettings()
    telethon: TelethonSettings = TelethonSettings()
    max: MaxSettings = MaxSettings()
    imap: ImapSettings = ImapSettings()
    form: FormSettings = FormSettings()
    pos: PosSettings = PosSettings()


class ConnectorSettings(Settings):
    """The product settings plus `connectors`; only the connector processes read these."""

    connectors: ConnectorsConfig = ConnectorsConfig()
