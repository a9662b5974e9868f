"""No secret in a log line: the record factory redacts every logger's records, tracebacks too."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alerts.notifiers import BotApi, TelegramConfig
from devstack.botapi import BotApiServer
from streams import redact
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "7012345678:AAHk3-Zx9_QwErTyUiOpAsDfGhJkLzXcVbN"
SMTP_PASSWORD = "Zt8#smtp-pass-Лето2026"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Root logs at INFO into a buffer; the factory and the hook are restored afterwards."""
    factory, hook = logging.getLogRecordFactory(), sys.excepthook
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        logging.setLogRecordFactory(factory)
        sys.excepthook = hook


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (
            f'HTTP Request: POST https://api.telegram.org/bot{BOT_TOKEN}/sendMessage "200"',
            BOT_TOKEN,
        ),
        (f"token={BOT_TOKEN} in a message", BOT_TOKEN),
        ("Authorization: Bearer mcu_Qm9vLXRva2VuLXZhbHVl-abc", "mcu_Qm9vLXRva2VuLXZhbHVl-abc"),
        ("connecting to https://elastic:Pa55w0rd-es@elasticsearch:9200", "Pa55w0rd-es"),
        (f"SMTP login failed for mcu with {SMTP_PASSWORD}", SMTP_PASSWORD),
    ],
)
def test_lines_are_redacted(line: str, secret: str) -> None:
    clean = redact.Redactor([SMTP_PASSWORD])(line)
    assert secret not in clean and redact.MASK in clean


def test_short_or_empty_values_are_not_treated_as_secrets() -> None:
    assert redact.Redactor(["", "ok"])("ok, all fine") == "ok, all fine"


async def test_httpx_request_log_of_the_bot_api_has_no_token(
    captured: io.StringIO, tmp_path: Path
) -> None:
    redact.install([BOT_TOKEN])
    logging.getLogger("httpx").setLevel(logging.INFO)
    with BotApiServer(tmp_path / "bot.jsonl") as server:
        api = BotApi(TelegramConfig(base_url=server.url, token=BOT_TOKEN, timeout=5))
        try:
            await api.get_me()
        finally:
            await api.aclose()
    text = captured.getvalue()
    assert "HTTP Request: POST" in text and "/bot***/getMe" in text
    assert BOT_TOKEN not in text


def test_arguments_and_tracebacks_are_redacted(captured: io.StringIO) -> None:
    redact.install([SMTP_PASSWORD])
    log = logging.getLogger("mcu.test")
    log.warning("login as %s with %s", "mcu", SMTP_PASSWORD)
    try:
        raise RuntimeError(f"server said: bad password {SMTP_PASSWORD}")
    except RuntimeError:
        log.exception("delivery failed")
    text = captured.getvalue()
    assert "login as mcu with ***" in text
    assert "RuntimeError: server said: bad password ***" in text
    assert SMTP_PASSWORD not in text


def test_settings_secrets_are_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCU_ALERTS__TELEGRAM_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("MCU_ALERTS__SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("MCU_KAFKA__SASL_PASSWORD", "kafka-scram-secret")
    found = redact.secrets_of(Settings())
    assert {BOT_TOKEN, SMTP_PASSWORD, "kafka-scram-secret"} <= set(found)


def test_an_uncaught_exception_is_printed_redacted() -> None:
    code = (
        "from streams import redact; redact.install(['uncaught-secret-42']); "
        "raise RuntimeError('failed with uncaught-secret-42')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "RuntimeError: failed with ***" in result.stderr
    assert "uncaught-secret-42" not in result.stderr


def test_a_redacted_record_formats_under_modes_formatter(captured: io.StringIO) -> None:
    """faust logs through mode's formatter, which wraps non-tuple args: a redacted record must
    still format (once it raised "not all arguments converted" on every Bot API request)."""
    from mode.utils.logging import ExtensionFormatter

    redact.install([BOT_TOKEN])
    errors = io.StringIO()
    handler = logging.StreamHandler(errors)
    handler.setFormatter(ExtensionFormatter(stream=errors, fmt="%(message)s"))
    handler.handleError = lambda record: errors.write("LOGGING ERROR")  # type: ignore[method-assign]
    log = logging.getLogger("httpx-like")
    log.addHandler(handler)
    try:
        log.info('HTTP Request: %s %s "%s"', "POST", f"http://x/bot{BOT_TOKEN}/getUpdates", "200")
    finally:
        log.removeHandler(handler)
    assert "LOGGING ERROR" not in errors.getvalue()
    assert BOT_TOKEN not in errors.getvalue() and "getUpdates" in errors.getvalue()
