"""The built wheel, installed into a fresh venv outside the source tree, finds its config and
model weights and tags exactly as the source tree does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A venv in a temporary folder with only the wheel installed on top of the deps."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp)],
        check=True,
        cwd=tmp,
    )
    (wheel,) = tmp.glob("mcu_monitor-*.whl")
    env_dir = tmp / "venv"
    # The pinned dependencies come from this interpreter's site-packages; the project from the
    # wheel only (the venv's own site-packages come first).
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)], check=True
    )
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps"]
    subprocess.run([*pip, str(wheel)], check=True, cwd=tmp)
    yield env_dir


def clean_env(**extra: str) -> dict[str, str]:
    """No MCU_ settings and no PYTHONPATH: the venv must stand on its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCU_", "PYTHONPATH"))}
    return {**env, **extra}


def run(venv: Path, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = clean_env()
    return subprocess.run(
        [str(venv / "bin" / "mcu"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=venv.parent,
        env=env,
        timeout=600,
    )


def test_the_package_is_imported_from_the_venv(venv: Path) -> None:
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import streams, nlp, alerts; print(nlp.__file__)"],
        capture_output=True,
        text=True,
        cwd=venv.parent,
        env=clean_env(),
        check=True,
    )
    assert probe.stdout.startswith(str(venv)), probe.stdout


def test_config_check_finds_the_shipped_config_and_weights(venv: Path) -> None:
    result = run(venv, ["check"])
    assert result.returncode == 0, result.stderr
    assert "Конфигурация в порядке" in result.stdout
    shipped = [line for line in result.stdout.splitlines() if str(venv) in line]
    assert any(line.startswith("Оповещения") for line in shipped), result.stdout
    assert any(line.startswith("Веса моделей") for line in shipped), result.stdout


def test_a_bad_config_file_names_file_and_line(venv: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: x\n    kind: no-such-kind\n", encoding="utf-8")
    env_files = json.dumps([str(rules)])
    result = subprocess.run(
        [str(venv / "bin" / "mcu"), "check"],
        capture_output=True,
        text=True,
        cwd=venv.parent,
        env=clean_env(MCU_ALERTS__CONFIG_FILES=env_files),
        timeout=300,
    )
    assert result.returncode == 2
    assert f"{rules}:" in result.stderr


def test_tagging_from_the_wheel_uses_the_trained_heads(venv: Path) -> None:
    from nlp.tagger import Tagger, TextItem

    # Messages on which the trained heads change the tagging: the wheel must tag them as the
    # source tree does with its heads, not as the rules alone would.
    records = [json.loads(line) for line in (ROOT / "data/eval/dev.jsonl").open(encoding="utf-8")]
    items = [TextItem(text=r["text"], kind=r.get("kind", "post")) for r in records]
    with_heads = [t.to_dict() for t in Tagger().tag_many(items)]
    rules_only = [t.to_dict() for t in Tagger(heads=False).tag_many(items)]
    differ = [i for i, (a, b) in enumerate(zip(with_heads, rules_only, strict=True)) if a != b]
    assert len(differ) >= 5, "the heads change too few dev messages to tell them apart"
    lines = [{"id": records[i]["id"], "kind": items[i].kind, "text": items[i].text} for i in differ]
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    installed = run(venv, ["tag"], stdin)
    assert installed.returncode == 0, installed.stderr
    got = [json.loads(line)["nlp"] for line in installed.stdout.splitlines()]
    assert got == [with_heads[i] for i in differ]
