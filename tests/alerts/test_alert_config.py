"""Config is checked at start: a bad file names the file, the line and the reason."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from alertkit import CONFIG_FILES

from alerts.config import load_config
from alerts.errors import ConfigError
from alerts.routes import match_routes

RULES, ROUTES, ROSTER = CONFIG_FILES


def test_example_config_loads() -> None:
    config = load_config(CONFIG_FILES)
    assert [r.kind for r in config.rules] == [
        "conflict",
        "spike",
        "spike",
        "spike",
        "overdue",
        "repeat_complaint",
        "viral_negative",
        "bad_reply",
    ]
    roster = config.roster_index()
    assert roster.department_for("housing") == "zhkh"
    assert roster.department_for("education") == "education"
    assert roster.department_for("unknown") == "mcu_office"
    assert roster.department_for(None) == "mcu_office"
    assert config.production_calendar.covers(date(2027, 1, 1))
    assert config.working_time().tz.key == "Asia/Yekaterinburg"


def _write(tmp_path: Path, name: str, text: str) -> list[Path]:
    """The three example files copied, one of them replaced by `text`."""
    paths = []
    for src in CONFIG_FILES:
        dst = tmp_path / src.name
        if src.name == name:
            dst.write_text(text, encoding="utf-8")
        else:
            shutil.copy(src, dst)
        paths.append(dst)
    return paths


RULES_OK = """\
timezone: Asia/Yekaterinburg
rules:
  - name: conflict
    kind: conflict
"""


@pytest.mark.parametrize(
    ("name", "text", "line", "reason"),
    [
        (
            "rules.yaml",
            "rules:\n  - name: x\n    kind: conflict\n  - name: y\n    kind: flood\n",
            5,
            "неизвестный вид правила 'flood'",
        ),
        (
            "rules.yaml",
            "rules:\n  - name: s\n    kind: spike\n    spike:\n      threshold: 1\n",
            5,
            "значение должно быть ≥ 2",
        ),
        (
            "rules.yaml",
            "rules:\n  - name: c\n    kind: conflict\n    conflict:\n      min_toxicty: 0.5\n",
            5,
            "неизвестное поле",
        ),
        (
            "rules.yaml",
            "rules:\n  - name: c\n    kind: conflict\n    filter:\n      - 'category is roads'\n",
            5,
            "неверный матчер",
        ),
        (
            "rules.yaml",
            "rules:\n  - name: c\n    kind: conflict\n    filter: ['category=~\"(roads\"']\n",
            4,
            "неверное регулярное выражение",
        ),
        (
            "rules.yaml",
            "rules:\n  - name: c\n    kind: conflict\n    spike: {threshold: 3}\n",
            4,
            "настройки вида пишутся под ключом conflict",
        ),
        (
            "rules.yaml",
            "deadlines:\n  - name: social\n    first_reaction: 8 hours\n",
            3,
            "не понимаю срок",
        ),
        ("rules.yaml", RULES_OK + "  - name: conflict\n    kind: conflict\n", 5, "уже есть"),
        ("rules.yaml", "timezone: Europe/Kamyshlov\n", 1, "неизвестный часовой пояс"),
        (
            "rules.yaml",
            "rules:\n  - name: c\n    kind: conflict\n   bad: [\n",
            4,
            "ошибка синтаксиса YAML",
        ),
        ("rules.yaml", "timezone: Asia/Yekaterinburg\ntimezone: UTC\n", 2, "задан дважды"),
        ("rules.yaml", "calendar:\n  files: [missing.yaml]\n", 2, "нет файла календаря"),
        (
            "routes.yaml",
            "route:\n  receiver: mcu\n  routes:\n    - matchers: ['severity=\"critical\"']\n"
            "      receiver: nobody\n",
            5,
            "получатель 'nobody' не найден",
        ),
        (
            "routes.yaml",
            "route:\n  receiver: mcu\n  group_by: [kind]\n  routes:\n    - receiver: $department\n",
            5,
            "receiver $department требует department в group_by",
        ),
        (
            "routes.yaml",
            "route:\n  receiver: mcu\n  routes:\n    - receiver: mcu\n"
            "      mute_time_intervals: [night]\n",
            5,
            "нет интервала времени 'night'",
        ),
        (
            "routes.yaml",
            "route:\n  receiver: mcu\ntime_intervals:\n  - name: night\n    time_intervals:\n"
            "      - times: [{start_time: '25:00', end_time: '08:00'}]\n",
            6,
            "ожидается ЧЧ:ММ",
        ),
        (
            "routes.yaml",
            "route:\n  receiver: mcu\n  group_wait: soon\n",
            3,
            "не понимаю длительность",
        ),
        (
            "routes.yaml",
            "route:\n  receiver: mcu\n  escalation: chain\n",
            3,
            "нет цепочки 'chain'",
        ),
        ("routes.yaml", "route:\n  group_by: [kind]\n", 1, "должен быть receiver"),
        (
            "roster.yaml",
            "roster:\n  people:\n    - id: a\n      name: А\n"
            "  groups:\n    - id: g\n      name: Г\n"
            "      members: [a, b]\n",
            8,
            "нет такого человека: 'b'",
        ),
        (
            "roster.yaml",
            "roster:\n  people:\n    - id: a\n      name: А\n      telegram_chat_id: many\n",
            5,
            "ожидается целое число",
        ),
    ],
)
def test_bad_config_names_file_line_and_reason(
    tmp_path: Path, name: str, text: str, line: int, reason: str
) -> None:
    paths = _write(tmp_path, name, text)
    with pytest.raises(ConfigError) as caught:
        load_config(paths)
    message = str(caught.value)
    assert f"{tmp_path / name}:{line}:" in message, message
    assert reason in message, message


def test_a_top_level_key_lives_in_one_file(tmp_path: Path) -> None:
    paths = _write(tmp_path, "roster.yaml", ROSTER.read_text(encoding="utf-8") + "timezone: UTC\n")
    with pytest.raises(ConfigError) as caught:
        load_config(paths)
    assert "timezone: уже задан в" in str(caught.value)
    assert f"{tmp_path / 'rules.yaml'}:" in str(caught.value)


def test_every_issue_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        "rules:\n  - name: a\n    kind: nope\n"
        "  - name: b\n    kind: spike\n    spike: {window: x}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, "rules.yaml", text))
    assert [i.line for i in caught.value.issues] == [3, 6]


@pytest.mark.parametrize(
    ("labels", "routes"),
    [
        ({"severity": "critical", "kind": "conflict", "department": "zhkh"}, ["root.0", "root.1"]),
        ({"severity": "warning", "kind": "overdue", "department": "zhkh"}, ["root.2", "root.3"]),
        ({"severity": "warning", "kind": "bad_reply"}, ["root.2", "root.3"]),
        ({"severity": "warning", "kind": "conflict"}, ["root.3"]),
        ({"severity": "info", "kind": "spike"}, ["root.3"]),
    ],
)
def test_example_route_tree(labels: dict[str, str], routes: list[str]) -> None:
    root = load_config(CONFIG_FILES).root_route()
    assert [r.id for r in match_routes(root, labels)] == routes
