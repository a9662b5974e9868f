"""`mcu demo --json`: the main job on the local real servers, as a user runs it: the connectors
fetch the sample from the local VK, OK, Bot API, Dovecot and site-form servers."""

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

    bad = sum(1 for _ in lines(SAMPLE_DIR / "bad.jsonl"))
    fetched = sum(summary["fetched"].values())
    # The connectors read every source the sample was written into.
    assert {"vk", "ok", "telegram", "email", "pos", "site"} <= set(summary["fetched"])
    assert summary["replayed"] == fetched + bad
    assert summary["indexed"] == fetched
    assert summary["deadletter"] == bad
    assert sum(summary["by_category"].values()) == fetched
    assert "housing" in summary["by_category"]
    alerts = summary["alerts"]
    assert set(alerts["delivered"]) == {"email", "telegram"}
    # A first run fires alerts; a repeated one finds them open (known messages don't re-fire).
    assert alerts["fired"] > 0 or alerts["open"] > 0
    assert "проиндексировано" in result.stderr
