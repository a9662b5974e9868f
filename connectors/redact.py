"""A logging filter that blanks every configured secret, whatever library logs it."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from pydantic import BaseModel, SecretStr


def secrets_of(model: BaseModel) -> list[str]:
    """Every SecretStr value and *_file content reachable from a settings model."""
    found: list[str] = []
    for name, value in model:
        if isinstance(value, SecretStr) and value.get_secret_value():
            found.append(value.get_secret_value())
        elif isinstance(value, BaseModel):
            found += secrets_of(value)
        elif name.endswith("_file") and value is not None:
            try:
                text = value.read_text(encoding="utf-8").strip()
            except (OSError, AttributeError):
                continue
            if text:
                found.append(text)
    return found


class Redact(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = message
        for s in self.secrets:
            clean = clean.replace(s, "***")
        if clean != message:
            record.msg, record.args = clean, None
        return True


def install(secrets: Iterable[str]) -> None:
    """Adds the filter to every handler of the root logger (call after logging is set up)."""
    flt = Redact(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(flt)
