"""A local journal of delivered notification keys, bridging a send and its changelog write.

The delivery log lives in a faust table, whose changelog reaches Kafka a few milliseconds after a
send. A `kill -9` in between would make a restarted worker send again. One write(2) of the key
when the notifier hands the notification over (alerts/notifiers/base.py `HandOver`: for e-mail
right before the write of DATA's final "."; for Telegram right after the request is written; else
at the server's acceptance) survives the process (the page cache is the kernel's), and the next
delivery round marks journaled keys as sent before sending anything. A hand-over taken back, or a
server that refuses what was handed over, writes a line "-key" (keys never start with "-": they
begin with an alert or group id).
"""

from __future__ import annotations

import os
from pathlib import Path


class SentJournal:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def record(self, key: str) -> None:
        os.write(self._fd, key.encode() + b"\n")

    def retract(self, key: str) -> None:
        """The server refused what was handed over: the key was not sent after all."""
        os.write(self._fd, b"-" + key.encode() + b"\n")

    def recorded(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        # A line cut by the crash itself has no newline: it is not a whole key.
        keys: dict[str, None] = {}
        for line in text.split("\n")[:-1]:
            if line.startswith("-"):
                keys.pop(line[1:], None)
            elif line:
                keys[line] = None
        return list(keys)

    def keep_only(self, keys: list[str]) -> None:
        """Forgets what the changelog now holds durably; keeps keys not yet matched to a record."""
        os.ftruncate(self._fd, 0)
        for key in keys:
            self.record(key)
