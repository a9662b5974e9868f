"""The audit log: fsynced JSON lines, owner-only, shared by workers, read by `mcu audit`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alerts.actions import Action
from alerts.audit import AuditEntry, for_action, for_silence
from alerts.silences import Silence
from reports.period import TZ
from streams.audit import AuditFile

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.now(UTC).replace(microsecond=0)


def test_entries_are_appended_and_read_back(tmp_path: Path) -> None:
    log = AuditFile(tmp_path / "audit" / "audit.jsonl")
    ack = Action("a1b2c3d4e5f6", "ack", "romanyuk", NOW, "telegram", chat_id=100003)
    silence = Silence.create(['category="housing"'], NOW + timedelta(hours=2), "sentsova", "авария")
    log.append(for_action(ack))
    log.append(for_silence(silence, "sentsova", NOW + timedelta(minutes=1)))
    log.append(
        AuditEntry(NOW + timedelta(minutes=2), "api-token", "resolve", "a1b2c3d4e5f6", "api")
    )
    entries = log.read()
    assert [(e.actor, e.action, e.source) for e in entries] == [
        ("romanyuk", "ack", "telegram"),
        ("sentsova", "silence", "api"),
        ("api-token", "resolve", "api"),
    ]
    assert entries[0].details == {"chat_id": 100003}
    assert entries[1].details["comment"] == "авария"
    assert [e.action for e in log.read(since=NOW + timedelta(seconds=30))] == ["silence", "resolve"]
    assert [e.actor for e in log.read(actor="romanyuk")] == ["romanyuk"]
    assert [e.action for e in log.read(limit=1)] == ["resolve"]
    # Personal data: only the owner reads the file and its folder.
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700


def test_a_torn_last_line_does_not_hide_the_others(tmp_path: Path) -> None:
    log = AuditFile(tmp_path / "audit.jsonl")
    log.append(AuditEntry(NOW, "romanyuk", "ack", "a1", "api"))
    with log.path.open("a") as fh:
        fh.write('{"at": "2026-')
    assert [e.target for e in log.read()] == ["a1"]


WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from alerts.audit import AuditEntry
from reports.period import TZ
from streams.audit import AuditFile
log = AuditFile(Path(sys.argv[1]))
for n in range(200):
    log.append(AuditEntry(datetime.now(UTC), sys.argv[2], "ack", f"{sys.argv[2]}-{n}", "api"))
"""


def test_two_workers_appending_to_one_file_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), who], cwd=ROOT)
        for who in ("w1", "w2")
    ]
    assert [p.wait(120) for p in procs] == [0, 0]
    lines = path.read_text().splitlines()
    assert len(lines) == 400
    targets = {json.loads(line)["target"] for line in lines}
    assert targets == {f"{w}-{n}" for w in ("w1", "w2") for n in range(200)}


def test_mcu_audit_prints_who_did_what(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditFile(path)
    log.append(AuditEntry(NOW, "romanyuk", "ack", "a1b2c3d4e5f6", "telegram"))
    log.append(AuditEntry(NOW, "sentsova", "resolve", "a1b2c3d4e5f6", "api"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCU_")}
    env["MCU_ALERTS__AUDIT_FILE"] = str(path)

    def audit(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "streams.cli", "audit", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    text = audit()
    assert "Романюк Н.Б. взял в работу: оповещение a1b2c3d4e5f6 (telegram)" in text
    assert "Сенцова Е.В. закрыл: оповещение a1b2c3d4e5f6 (api)" in text
    assert "Записей: 2" in text
    rows = [json.loads(line) for line in audit("--json", "--actor", "sentsova").splitlines()]
    assert [(r["actor"], r["action"]) for r in rows] == [("sentsova", "resolve")]
    # A date without a zone is the municipality's (reports.period.TZ): tomorrow there, not in UTC
    # (after 19:00 UTC in UTC+5, the UTC date of tomorrow is already today there).
    future = (NOW.astimezone(TZ) + timedelta(days=1)).date().isoformat()
    assert "Записей: 0" in audit("--since", future)
