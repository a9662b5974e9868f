import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from nlp.evaluate import evaluate
from streams.cli import nlp as nlp_cli

GOLD = {
    "category": "roads",
    "sentiment": "negative",
    "toxic": False,
    "conflict": True,
    "conflict_reasons": ["repeated"],
    "is_complaint": True,
    "is_question": False,
    "entities": [{"type": "LOC", "normal": "улица Кирова"}],
    "addresses": ["улица Кирова, 5"],
    "officials": [],
    "formal_reply": None,
    "rude_reply": None,
}


def test_perfect_prediction_scores_one() -> None:
    metrics = evaluate([GOLD], [GOLD])
    assert metrics["category"]["macro_f1"] == 1.0
    assert metrics["sentiment"]["accuracy"] == 1.0
    assert metrics["conflict"]["f1"] == 1.0
    assert metrics["entities"]["LOC"]["f1"] == 1.0


def test_errors_lower_the_scores() -> None:
    wrong = {
        **GOLD,
        "category": "housing",
        "conflict": False,
        "conflict_reasons": [],
        "entities": [{"type": "LOC", "normal": "улица Ленина"}],
    }
    metrics = evaluate([GOLD, GOLD], [GOLD, wrong])
    assert metrics["category"]["accuracy"] == 0.5
    assert metrics["category"]["per_category"]["housing"]["precision"] == 0.0
    assert metrics["conflict"]["recall"] == 0.5
    assert metrics["entities"]["LOC"]["precision"] == 0.5
    # No message labels formal_reply (null), so the field is not scored at all.
    assert "formal_reply" not in metrics


def test_entities_compare_by_normal_form_ignoring_yo() -> None:
    gold = {**GOLD, "entities": [{"type": "PER", "normal": "Шевелёва М.Ю."}]}
    pred = {**GOLD, "entities": [{"type": "PER", "normal": "Шевелева М.Ю.", "text": "x"}]}
    assert evaluate([gold], [pred])["entities"]["PER"]["f1"] == 1.0


def test_number_sign_spacing_is_one_normal_form() -> None:
    gold = {**GOLD, "entities": [{"type": "ORG", "normal": "школа № 7"}]}
    pred = {**GOLD, "entities": [{"type": "ORG", "normal": "школа №7", "text": "x"}]}
    assert evaluate([gold], [pred])["entities"]["ORG"]["f1"] == 1.0


def test_mcu_eval_json(tmp_path: Path) -> None:
    path = tmp_path / "labelled.jsonl"
    record = {
        "id": "t:1",
        "kind": "comment",
        "text": "Пишу уже третий раз про яму на улице Кирова, 5",
        "labels": GOLD,
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    app = typer.Typer()
    nlp_cli.register(app)
    result = CliRunner().invoke(app, ["eval", str(path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)["sources"]["labelled"]
    assert metrics["messages"] == 1
    assert metrics["category"]["macro_f1"] == 1.0
    assert metrics["addresses"]["f1"] == 1.0
    assert metrics["conflict_reasons"]["repeated"]["f1"] == 1.0


def test_mcu_tag_keeps_lines(tmp_path: Path) -> None:
    app = typer.Typer()
    nlp_cli.register(app)
    stdin = '{"id": "1", "text": "Когда починят свет?"}\nне json\n'
    result = CliRunner().invoke(app, ["tag"], input=stdin)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [("nlp" in line, "error" in line) for line in lines] == [(True, False), (False, True)]
