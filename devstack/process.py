"""A server process started in the background, remembered by a pid file so `down` stops only it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# While a process exec's (setpriv into java, a launcher into its program) the kernel shows an
# empty command line for a moment: wait this long for it to come back before calling it gone.
EXEC_GRACE = 2.0


@dataclass(frozen=True)
class Managed:
    name: str
    run_dir: Path

    @property
    def pid_file(self) -> Path:
        return self.run_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.run_dir / f"{self.name}.log"

    def pid(self) -> int | None:
        """The pid of the running process we started, or None (a stale pid file is removed)."""
        try:
            pid_text, marker = self.pid_file.read_text().split("\n", 1)
            pid = int(pid_text)
        except (FileNotFoundError, ValueError):
            return None
        if not _alive(pid) or marker.strip() not in _settled_cmdline(pid):
            # The pid was reused by someone else or our process is gone.
            self.pid_file.unlink(missing_ok=True)
            return None
        return pid

    def start(
        self,
        argv: Sequence[str],
        marker: str,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> int:
        """Starts argv detached; `marker` is a string of its command line that proves it is ours."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{proc.pid}\n{marker}\n")
        # Until exec, the child's command line is still ours: wait so that pid() recognises it.
        deadline = time.monotonic() + 10
        while marker not in _cmdline(proc.pid) and proc.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        return proc.pid

    def stop(self, timeout: float = 30.0) -> bool:
        """Stops the process group we started; True if something was stopped."""
        pid = self.pid()
        if pid is None:
            return False
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            _signal_group(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours is dead for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    if state == "Z":
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return False
    return True


def _settled_cmdline(pid: int) -> str:
    """The command line, read again while it is empty and the process lives (mid-exec); a
    kernel thread's stays empty, and so is never taken for ours."""
    deadline = time.monotonic() + EXEC_GRACE
    cmdline = _cmdline(pid)
    while not cmdline and _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
        cmdline = _cmdline(pid)
    return cmdline


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except FileNotFoundError:
        return ""
