"""A bad alerts config stops the worker at start, naming the file, the line and the reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams.settings import CONFIG_DIR

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("broken", "line", "reason"),
    [
        ("route:\n  receiver: mcu\n  group_wait: полминуты\n", 3, "group_wait"),
        ("route:\n  receiver: nobody_at_all\n", 2, "nobody_at_all"),
        ("route:\n  receiver: mcu\n   group_by: [kind]\n", 3, ""),
    ],
)
def test_worker_refuses_a_bad_routes_file(
    tmp_path: Path, broken: str, line: int, reason: str
) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text(broken, encoding="utf-8")
    files = [str(CONFIG_DIR / "rules.yaml"), str(routes), str(CONFIG_DIR / "roster.yaml")]
    env = {**os.environ, "MCU_ALERTS__CONFIG_FILES": json.dumps(files)}
    # Kafka is not needed to fail: the config is checked before anything connects.
    env["MCU_KAFKA__BOOTSTRAP"] = "127.0.0.1:1"
    result = subprocess.run(
        [sys.executable, "-m", "streams.worker"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert f"{routes}:{line}" in result.stderr
    assert reason in result.stderr
    assert "Ошибка в конфигурации оповещений" in result.stderr
