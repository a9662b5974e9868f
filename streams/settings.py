"""Every setting of the worker and the CLI, read once from MCU_* environment variables."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.topics import TopicNames


class _SecretFiles(BaseModel):
    """`<name>_file` fills the secret `<name>` from a file (docker secrets under /run/secrets)."""

    @model_validator(mode="after")
    def _read_secret_files(self) -> _SecretFiles:
        fields = type(self).model_fields
        for name in fields:
            target = name.removesuffix("_file")
            path = getattr(self, name)
            if target == name or target not in fields or path is None:
                continue
            if getattr(self, target) is not None:
                raise ValueError(f"задайте что-то одно: {target} или {name}")
            try:
                value = Path(path).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ValueError(f"{name}: не прочитать файл секрета {path}: {exc}") from exc
            # An empty file (a secret the operator has not provided) means "not set".
            if value:
                setattr(self, target, SecretStr(value))
        return self


class KafkaSettings(_SecretFiles):
    bootstrap: str = "127.0.0.1:9092"
    partitions: int = 4
    replicas: int = 1
    topic_prefix: str = ""
    # The producer's largest request; a tagged record must fit in it (faust's default).
    max_request_bytes: int = 1_000_000
    # SASL for every client (faust/aiokafka and kafka-python); docker-compose uses SCRAM.
    security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    sasl_password_file: Path | None = None
    # CA of the brokers' certificates for SASL_SSL (the system's CAs when empty).
    ssl_cafile: Path | None = None

    @property
    def topics(self) -> TopicNames:
        return TopicNames(self.topic_prefix)

    def client_options(self) -> dict[str, Any]:
        """Security options in kafka-python's (and aiokafka's) keyword names."""
        if self.security_protocol == "PLAINTEXT":
            return {}
        password = self.sasl_password.get_secret_value() if self.sasl_password else None
        options: dict[str, Any] = {
            "security_protocol": self.security_protocol,
            "sasl_mechanism": self.sasl_mechanism,
            "sasl_plain_username": self.sasl_username,
            "sasl_plain_password": password,
        }
        if self.security_protocol == "SASL_SSL" and self.ssl_cafile is not None:
            options["ssl_cafile"] = str(self.ssl_cafile)
        return options


class SearchSettings(_SecretFiles):
    engine: Literal["opensearch", "elasticsearch"] = "opensearch"
    url: str = "http://127.0.0.1:9200"
    username: str | None = None
    password: SecretStr | None = None
    password_file: Path | None = None
    # CA of the engine's HTTPS certificate (Elasticsearch 8 with security on).
    ca_certs: Path | None = None
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
    # Characters of one message the tagger reads; None: `max_text_chars` of nlp/lexicons.
    tag_max_chars: int | None = Field(default=None, ge=0)
    # Tag in a child process (its own core and GIL); False: in a thread of the worker.
    tag_in_child: bool = True
    index_batch_size: int = 200
    index_batch_timeout: float = 1.0
    # Text beyond this many UTF-8 bytes is cut for tagging and indexing (flagged `truncated`).
    max_text_bytes: int = Field(default=256 * 1024, ge=1024)
    # How far a source's created_at may be ahead of our clock before it is refused.
    created_at_skew: timedelta = timedelta(days=1)
    # How often the department ratings are recomputed for the screen, and over how many days.
    ratings_seconds: float = 300.0
    ratings_window_days: int = Field(default=30, ge=1, le=366)


# The example rules, routes and roster shipped inside the package (alerts/examples/).
CONFIG_DIR = Path(str(resources.files("alerts") / "examples"))


TELEGRAM_API = "https://api.telegram.org"


class AlertsSettings(_SecretFiles):
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
    smtp_password_file: Path | None = None
    smtp_starttls: bool | None = None
    telegram_base_url: str = TELEGRAM_API
    # No token: Telegram is off (a warning at start), alerts go by e-mail only.
    telegram_token: SecretStr | None = None
    telegram_token_file: Path | None = None
    telegram_poll: bool = True
    api_host: str = "127.0.0.1"
    api_port: int = 6070
    # Shared token for scripts (acts as "api-token", role operator); people use their own
    # tokens (roster: api_tokens). Required, long and not a devstack value off loopback.
    api_token: SecretStr | None = None
    api_token_file: Path | None = None
    # Phones and e-mails masked in alert texts and the API (the search index keeps originals).
    mask_pii: bool = True
    mask_authors: bool = False
    # Append-only audit log of acknowledgements, resolutions and silences (JSON lines, fsync);
    # by default audit.jsonl in the worker's data_dir.
    audit_file: Path | None = None
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

    @property
    def audit_file(self) -> Path:
        """The audit log: MCU_ALERTS__AUDIT_FILE, else audit.jsonl in the worker's data_dir."""
        return self.alerts.audit_file or self.worker.data_dir / "audit.jsonl"
