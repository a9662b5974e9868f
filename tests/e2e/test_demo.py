"""`mcu demo --json`: the main job on the local real servers, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from devstack.demo import SAMPLE_DIR
from streams.replay import lines
from streams.settings import Settings


def test_demo_indexes_the_sample_and_reports_alerts(devstack: Settings) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    messages = sum(1 for _ in lines(SAMPLE_DIR / "messages.jsonl"))
    bad = sum(1 for _ in lines(SAMPLE_DIR / "bad.jsonl"))
    assert summary["replayed"] == messages + bad
    assert summary["indexed"] == messages
    assert summary["deadletter"] == bad
    assert sum(summary["by_category"].values()) == messages
    assert "housing" in summary["by_category"]
    alerts = summary["alerts"]
    assert set(alerts["delivered"]) == {"email", "telegram"}
    # A first run fires alerts; a repeated one finds them open (known messages don't re-fire).
    assert alerts["fired"] > 0 or alerts["open"] > 0
    assert "проиндексировано" in result.stderr
