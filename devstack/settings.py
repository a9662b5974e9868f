"""Settings of the local stack: the product's Settings plus ports and folders of the servers."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from streams.settings import Settings


class DevstackSettings(BaseModel):
    dir: Path = Path(".devstack")
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    opensearch_port: int = 9200
    opensearch_transport_port: int = 9300
    opensearch_heap: str = "768m"
    kafka_heap: str = "512m"
    prometheus_port: int = 9090
    smtp_port: int = 8025
    botapi_port: int = 8081
    # Credentials of the local stack only: the product itself has no default token.
    telegram_token: str = "devstack-token"
    api_token: str = "devstack-api-token"


class StackSettings(Settings):
    """`MCU_DEVSTACK__*` next to every product setting; only the devstack reads these."""

    devstack: DevstackSettings = DevstackSettings()

    def worker_env(self) -> dict[str, str]:
        """What a worker on this stack gets: alerts to the local SMTP and Bot API servers."""
        cfg = self.devstack
        return {
            "MCU_ALERTS__SMTP_HOST": "127.0.0.1",
            "MCU_ALERTS__SMTP_PORT": str(cfg.smtp_port),
            "MCU_ALERTS__TELEGRAM_BASE_URL": f"http://127.0.0.1:{cfg.botapi_port}",
            "MCU_ALERTS__TELEGRAM_TOKEN": cfg.telegram_token,
            "MCU_ALERTS__API_TOKEN": cfg.api_token,
        }
