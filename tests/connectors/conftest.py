"""Connector tests run on the real local Kafka of the devstack (topics with a prefix per test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import stack
from devstack.settings import StackSettings
from tests.connectors.support import Run


@pytest.fixture(scope="session")
def bootstrap() -> str:
    settings = StackSettings()
    stack.up(settings, say=lambda _: None)
    return settings.kafka.bootstrap


@pytest.fixture
def run(bootstrap: str, tmp_path: Path) -> Iterator[Run]:
    handle = Run.new(bootstrap, tmp_path)
    yield handle
    handle.stop()
