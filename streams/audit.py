"""The audit log on disk: JSON lines, appended with fsync, never rewritten; owner-only access."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from alerts.audit import AuditEntry


class AuditFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entry: AuditEntry) -> None:
        """Returns once the line is on disk: an acknowledged action is never missing from it."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        line = json.dumps(entry.to_dict(), ensure_ascii=False) + "\n"
        # O_APPEND: lines of several workers sharing the file never overwrite each other.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(
        self, since: datetime | None = None, actor: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Entries oldest first; `limit` keeps the newest. A torn last line is skipped."""
        if not self.path.exists():
            return []
        entries = []
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = AuditEntry.from_dict(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    continue
                if since is not None and entry.at < since:
                    continue
                if actor is not None and entry.actor != actor:
                    continue
                entries.append(entry)
        return entries[-limit:] if limit else entries
