"""Fetches the servers' jars from Maven Central once, with devstack/pom.xml, into a local cache."""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

from devstack.layout import Layout

# Maven profiles of devstack/pom.xml: the broker, the search server and each OpenSearch module.
KAFKA_PROFILE = "kafka"
OPENSEARCH_PROFILE = "opensearch"
OPENSEARCH_MODULES = {
    "transport-netty4": "os-transport-netty4",
    "lang-painless": "os-lang-painless",
    "analysis-common": "os-analysis-common",
}


class MissingTool(RuntimeError):
    """A program the devstack needs is not installed."""


def require(program: str, hint: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise MissingTool(f"Не найден «{program}». {hint}")
    return path


def pom_path() -> Path:
    return Path(str(resources.files("devstack") / "pom.xml"))


def fetched(layout: Layout) -> bool:
    return (layout.lib / "kafka.done").exists() and (layout.lib / "opensearch.done").exists()


def fetch(layout: Layout, quiet: bool = True) -> None:
    """Copies each profile's runtime jars into lib/<profile>; a no-op once done."""
    if fetched(layout):
        return
    mvn = require(
        "mvn", "Установите Maven: apt-get install maven (и Java 17: openjdk-17-jdk-headless)."
    )
    require("java", "Установите Java 17: apt-get install openjdk-17-jdk-headless.")
    profiles = [KAFKA_PROFILE, OPENSEARCH_PROFILE, *OPENSEARCH_MODULES.values()]
    for profile in profiles:
        out = layout.lib / profile
        if out.exists():
            shutil.rmtree(out)
        argv = [
            mvn,
            "-B",
            "-f",
            str(pom_path()),
            f"-P{profile}",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={out}",
            "-DincludeScope=runtime",
        ]
        if quiet:
            argv.insert(2, "-q")
        result = subprocess.run(argv, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"Maven не смог получить профиль {profile}:\n"
                f"{result.stdout[-3000:]}{result.stderr[-2000:]}"
            )
    (layout.lib / "kafka.done").write_text("ok\n")
    (layout.lib / "opensearch.done").write_text("ok\n")


if __name__ == "__main__":
    from devstack.settings import StackSettings

    fetch(Layout.at(StackSettings().devstack.dir))
    print("Артефакты Maven на месте.")
