"""The pid file of a local server: a process that is still exec'ing is still ours."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from devstack import process
from devstack.process import Managed

MARKER = "mcu-test-exec-chain"
LAST = "sleep 30; exit 0"
# Each step replaces the process by a new shell (exec), 200 times, then waits in a last shell:
# during every exec the kernel shows an empty command line for a moment.
CHAIN = (
    'i=$1; if [ "$i" -lt 200 ]; then exec sh -c "$0" "$0" "$((i+1))" ' + MARKER + "; fi; "
    f"exec sh -c '{LAST}' last {MARKER}"
)


def test_a_server_going_through_exec_is_not_taken_for_gone(tmp_path: Path) -> None:
    managed = Managed("chain", tmp_path)
    pid = managed.start(["sh", "-c", CHAIN, CHAIN, "0", MARKER], marker=MARKER)
    try:
        deadline = time.monotonic() + 20
        while not process._cmdline(pid).startswith(f"sh -c {LAST} "):
            assert managed.pid() == pid, "the pid file was dropped while the process lived"
            assert time.monotonic() < deadline, "the exec chain did not reach its end"
        assert managed.pid() == pid
    finally:
        assert managed.stop(timeout=5)
    assert managed.pid() is None


def test_an_empty_command_line_that_stays_empty_is_not_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    managed = Managed("chain", tmp_path)
    pid = managed.start(["sleep", "30"], marker="sleep 30")
    try:
        monkeypatch.setattr(process, "_cmdline", lambda _: "")
        monkeypatch.setattr(process, "EXEC_GRACE", 0.2)
        assert managed.pid() is None
        assert not managed.pid_file.exists()
    finally:
        monkeypatch.undo()
        process._signal_group(pid, signal.SIGKILL)
