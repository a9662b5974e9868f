"""`mcu devstack`: up twice is harmless, down leaves no process it started — on a second stack."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devstack import stack
from devstack.settings import StackSettings
from tests.e2e.conftest import private_stack


@pytest.fixture
def other_stack(tmp_path: Path) -> StackSettings:
    """A second stack on free ports in a folder of its own, so the session's stack is untouched."""
    return private_stack(tmp_path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_up_twice_then_down_leaves_nothing(other_stack: StackSettings) -> None:
    said: list[str] = []
    try:
        stack.up(other_stack, say=said.append)
        first = {s.name: pid for s, pid, ready in stack.status(other_stack) if ready}
        assert set(first) == {"kafka", "opensearch", "prometheus", "smtp", "botapi"}
        assert all(pid is not None for pid in first.values())

        said.clear()
        stack.up(other_stack, say=said.append)
        again = {s.name: pid for s, pid, _ in stack.status(other_stack)}
        assert again == first
        assert all("уже работал" in line for line in said)
    finally:
        stack.down(other_stack, say=said.append)

    for name, pid in first.items():
        assert pid is not None and not _alive(pid), f"{name} (pid {pid}) still runs"
    assert all(pid is None and not ready for _, pid, ready in stack.status(other_stack))
