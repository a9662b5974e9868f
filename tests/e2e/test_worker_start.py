"""A worker refuses to start on topics whose partition counts do not match its settings (real
Kafka): otherwise every control event would be a dead letter and no alert would be kept."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from kafka.admin import NewTopic

from devstack.settings import StackSettings
from streams.topics import kafka_admin
from tests.e2e.conftest import ROOT, drop_topics, settings_from, unheard_alerts, worker_env


def test_a_changelog_with_other_partitions_stops_the_worker_naming_it(
    devstack: StackSettings, tmp_path: Path
) -> None:
    run_id = uuid.uuid4().hex[:8]
    env = {**worker_env(tmp_path, run_id), **unheard_alerts()}
    settings = settings_from(env)
    # What a deployment that ran with one partition and now runs with four has left behind.
    stale = f"{settings.worker.app_id}-alerts-windows-changelog"
    with kafka_admin(settings.kafka.bootstrap) as admin:
        admin.create_topics([NewTopic(stale, 1, 1)])
    try:
        result = subprocess.run(
            [sys.executable, "-m", "streams.worker"],
            env={**os.environ, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 2, result.stderr[-2000:]
        assert f"{stale}: 1" in result.stderr
        assert f"MCU_KAFKA__PARTITIONS={settings.kafka.partitions}" in result.stderr
        assert "Обработчик не запущен" in result.stderr
    finally:
        drop_topics(settings, (settings.kafka.topic_prefix, f"{settings.worker.app_id}-"))
