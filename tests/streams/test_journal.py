"""The sent-key journal: what a killed worker had delivered but not yet logged in Kafka."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from streams.alerting.journal import SentJournal


def test_keys_written_by_a_process_killed_with_sigkill_are_read_back(tmp_path: Path) -> None:
    path = tmp_path / "sent.journal"
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from streams.alerting.journal import SentJournal\n"
        f"j = SentJournal(Path({str(path)!r}))\n"
        "j.record('alert-1|bessonov|email|1')\n"
        "j.record('alert-1|mcu|telegram|1')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2])
    assert result.returncode == -9
    assert SentJournal(path).recorded() == ["alert-1|bessonov|email|1", "alert-1|mcu|telegram|1"]


def test_a_line_cut_by_the_crash_is_not_a_key(tmp_path: Path) -> None:
    path = tmp_path / "sent.journal"
    path.write_bytes(b"a|x|email|1\nb|y|tele")
    assert SentJournal(path).recorded() == ["a|x|email|1"]


def test_keep_only_forgets_the_rest(tmp_path: Path) -> None:
    journal = SentJournal(tmp_path / "sent.journal")
    for key in ("k1", "k2", "k3"):
        journal.record(key)
    journal.keep_only(["k2"])
    journal.record("k4")
    assert journal.recorded() == ["k2", "k4"]
    assert os.path.getsize(tmp_path / "sent.journal") == len(b"k2\nk4\n")
