"""Secrets never reach a log line: every record is redacted where it is made, in every logger."""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from pydantic import BaseModel, SecretStr

MASK = "***"
# Shapes of secrets whatever their value: a Bot API token in a URL path, a bearer token,
# a password in a URL's user part.
PATTERNS = (
    (re.compile(r"/bot[^/\s\"']+"), "/bot" + MASK),
    (re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"), MASK),
    (re.compile(r"(Bearer\s+)[^\s\"',]+", re.IGNORECASE), r"\1" + MASK),
    (re.compile(r"(://[^/\s:@]+:)[^/\s@]+@"), r"\1" + MASK + "@"),
)
# Shorter values are not secrets worth hiding and would blank out ordinary words.
MIN_SECRET = 6


class Redactor:
    """Replaces known secret values and secret-shaped strings in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        self._secrets |= {s for s in secrets if len(s) >= MIN_SECRET}

    def __call__(self, text: str) -> str:
        # Longest first: a secret that contains another is hidden whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        for pattern, replacement in PATTERNS:
            text = pattern.sub(replacement, text)
        return text


def secrets_of(model: BaseModel) -> list[str]:
    """Every SecretStr value in a settings tree."""
    found: list[str] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            found.append(value.get_secret_value())
        elif isinstance(value, BaseModel):
            found += secrets_of(value)
    return found


class _Factory:
    """A LogRecord factory that redacts the message, its arguments and the traceback."""

    def __init__(self, previous: Callable[..., logging.LogRecord], redact: Redactor) -> None:
        self.previous, self.redact = previous, redact

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            return record
        clean = self.redact(message)
        if clean != message:
            # An empty tuple, not None: mode's formatter wraps a non-tuple into (None,) and fails.
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            record.exc_text = self.redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_text = record.exc_text.rstrip("\n")
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return record


def install(secrets: Iterable[str] = ()) -> Redactor:
    """Redacts every log record of this process from now on; repeated calls add secrets."""
    current = logging.getLogRecordFactory()
    if isinstance(current, _Factory):
        current.redact.add(secrets)
        return current.redact
    redact = Redactor(secrets)
    logging.setLogRecordFactory(_Factory(current, redact))

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        # An uncaught exception is printed, not logged: redact that text too.
        sys.stderr.write(redact("".join(traceback.format_exception(kind, exc, tb))))

    sys.excepthook = excepthook
    return redact
