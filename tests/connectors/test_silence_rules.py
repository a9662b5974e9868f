"""deploy/rules/connectors.yml under `promtool test rules` (Debian's prometheus package):
the silence alert fires after the configured silence, and not before."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.connectors.support import ROOT

RULES = ROOT / "deploy" / "rules" / "connectors.yml"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"


def test_rules_are_valid() -> None:
    result = subprocess.run(
        [PROMTOOL, "check", "rules", str(RULES)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_silence_alert_fires_after_the_configured_silence() -> None:
    cases = Path(__file__).with_name("connectors_rules_test.yml")
    result = subprocess.run([PROMTOOL, "test", "rules", str(cases)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
