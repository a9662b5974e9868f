"""`mcu devstack`: up twice is harmless, down leaves no process it started — on a second stack."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devstack import stack
from devstack.settings import DevstackSettings, StackSettings
from streams.settings import WorkerSettings
from tests.e2e.conftest import free_port


@pytest.fixture
def other_stack(tmp_path: Path) -> StackSettings:
    """A second stack on free ports in a folder of its own, so the session's stack is untouched."""
    cfg = DevstackSettings(
        dir=tmp_path / "devstack",
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        opensearch_port=free_port(),
        opensearch_transport_port=free_port(),
        prometheus_port=free_port(),
        smtp_port=free_port(),
        botapi_port=free_port(),
        imap_port=free_port(),
        opensearch_heap="384m",
        kafka_heap="256m",
    )
    # The jars are already fetched for the main stack: share them instead of fetching again.
    main_lib = StackSettings().devstack.dir.resolve() / "lib"
    cfg.dir.mkdir(parents=True)
    (cfg.dir / "lib").symlink_to(main_lib)
    return StackSettings(devstack=cfg, worker=WorkerSettings(metrics_port=free_port()))


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
        assert set(first) == {"kafka", "opensearch", "prometheus", "smtp", "botapi", "dovecot"}
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
