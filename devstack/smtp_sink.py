"""A real SMTP server on loopback (aiosmtpd) that stores each received mail as a JSON line.

python -m devstack.smtp_sink --port 8025 --out FILE
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def parse_mail(content: bytes) -> dict[str, Any]:
    """Decoded headers and text of one RFC 5322 message."""
    message = email.message_from_bytes(content, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain", "html"))
    return {
        "subject": str(message.get("Subject", "")),
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "")),
        "message_id": str(message.get("Message-ID", "")),
        "headers": {k: str(v) for k, v in message.items()},
        "text": body.get_content() if body is not None else "",
    }


class JsonLinesHandler:
    """aiosmtpd handler: appends one JSON object per accepted mail to `out`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        content = raw if isinstance(raw, bytes) else raw.encode()
        record = {
            "received_at": datetime.now(UTC).isoformat(),
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            **parse_mail(content),
        }
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            with self.out.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        return "250 OK"


class Credentials:
    """aiosmtpd authenticator: AUTH PLAIN / LOGIN with one user (over loopback, without TLS)."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user,
            self.password,
        )
        return AuthResult(success=ok, handled=False)


class SmtpSink:
    """Start/stop from code (tests); the server runs in aiosmtpd's own thread."""

    def __init__(
        self,
        out: Path,
        host: str = "127.0.0.1",
        port: int = 8025,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        """`credentials`: (user, password) a client must log in with; None: no AUTH."""
        self.out = out
        self.host = host
        self.port = port
        auth: dict[str, Any] = {}
        if credentials is not None:
            auth = {
                "authenticator": Credentials(*credentials),
                "auth_required": True,
                "auth_require_tls": False,
            }
        self._controller = Controller(JsonLinesHandler(out), hostname=host, port=port, **auth)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def messages(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        lines = self.out.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="SMTP-сервер для разработки: письма в JSON Lines")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--out", type=Path, required=True, help="файл, куда дописывать письма")
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with SmtpSink(args.out, args.host, args.port):
        print(
            f"SMTP-сервер слушает {args.host}:{args.port}, письма пишутся в {args.out}", flush=True
        )
        stop.wait()


if __name__ == "__main__":
    main()
