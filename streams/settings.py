"""Every setting of the worker and the CLI, read once from MCU_* environment variables."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.topics import TopicNames


class KafkaSettings(BaseModel):
    bootstrap: str = "127.0.0.1:9092"
    partitions: int = 4
    replicas: int = 1
    topic_prefix: str = ""

    @property
    def topics(self) -> TopicNames:
        return TopicNames(self.topic_prefix)


class SearchSettings(BaseModel):
    engine: Literal["opensearch", "elasticsearch"] = "opensearch"
    url: str = "http://127.0.0.1:9200"
    username: str | None = None
    password: SecretStr | None = None
    index_prefix: str = "mcu-messages"
    # Kibana / OpenSearch Dashboards address for links in alerts and the demo summary.
    dashboards_url: str = "http://127.0.0.1:5601"


class WorkerSettings(BaseModel):
    app_id: str = "mcu-monitor"
    web_port: int = 6066
    metrics_port: int = 9108
    # 0.0.0.0 in containers, so Prometheus in another container can scrape.
    metrics_addr: str = "127.0.0.1"
    data_dir: Path = Path(".devstack/worker")
    tag_batch_size: int = 64
    tag_batch_timeout: float = 0.5
    index_batch_size: int = 200
    index_batch_timeout: float = 1.0
    # How often the department ratings are recomputed for the screen, and over how many days.
    ratings_seconds: float = 300.0
    ratings_window_days: int = Field(default=30, ge=1, le=366)


# The example rules, routes and roster shipped inside the package (alerts/examples/).
CONFIG_DIR = Path(str(resources.files("alerts") / "examples"))


class AlertsSettings(BaseModel):
    enabled: bool = True
    # rules, routes and roster; a top-level key may live in one file only.
    config_files: list[Path] = [
        CONFIG_DIR / "rules.yaml",
        CONFIG_DIR / "routes.yaml",
        CONFIG_DIR / "roster.yaml",
    ]
    tick_seconds: float = 2.0
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_sender: str = "mcu-monitor@localhost"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool | None = None
    telegram_base_url: str = "http://127.0.0.1:8081"
    telegram_token: SecretStr = SecretStr("devstack-token")
    telegram_poll: bool = True
    api_host: str = "127.0.0.1"
    api_port: int = 6070
    api_token: SecretStr = SecretStr("devstack-api-token")
    # Where each partition's journal of sent notifications lives; workers that take over each
    # other's partitions must share it (default: <worker.data_dir>/journal).
    journal_dir: Path | None = None
    # The search engine the incident and status indexer writes to (default: search.url).
    status_search_url: str | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MCU_", env_nested_delimiter="__", extra="ignore")

    kafka: KafkaSettings = KafkaSettings()
    search: SearchSettings = SearchSettings()
    worker: WorkerSettings = WorkerSettings()
    alerts: AlertsSettings = AlertsSettings()
