"""Labelled sources are read with only the fields they label; `mcu eval` prints one row each."""

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from nlp.corpora import held_out, read_paradetox, read_sentiment, read_source
from streams.cli import nlp as nlp_cli

TSV = (
    "toxic_comment\tneutral_comment1\tneutral_comment2\tneutral_comment3\n"
    "да пошли вы, уроды\tпожалуйста, уйдите\t\t\n"
    "какой дебил это придумал\tкто это придумал?\tстранная идея\t\n"
)
CSV = (
    "Sentence,Sentiment\n"
    '"Отличный новый парк, всем советую сходить.",positive\n'
    '"Дорогу опять разбили, ездить невозможно.",negative\n'
    '"Автобус ходит по расписанию с шести утра.",neutral\n'
    '"И хорошо, и плохо одновременно.",mixed\n'
)


def test_paradetox_pairs_toxic_and_paraphrases(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text(TSV, encoding="utf-8")
    examples = read_paradetox(path)
    assert [e.labels["toxic"] for e in examples] == [True, False, True, False, False]
    assert all(set(e.labels) == {"toxic"} for e in examples)


def test_sentiment_split_is_deterministic_and_disjoint(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text(CSV, encoding="utf-8")
    every = read_sentiment(path)
    assert [e.labels["sentiment"] for e in every] == ["positive", "negative", "neutral"]
    train = {e.text for e in read_sentiment(path, "train")}
    test = {e.text for e in read_sentiment(path, "test")}
    assert not train & test and train | test == {e.text for e in every}
    assert all(held_out(text) for text in test)
    assert held_out("Ёлка  на площади") == held_out("елка на площади")


def test_mcu_eval_prints_a_row_per_source(tmp_path: Path) -> None:
    tsv = tmp_path / "dev.tsv"
    tsv.write_text(TSV, encoding="utf-8")
    jsonl = tmp_path / "own.jsonl"
    record = {
        "id": "1",
        "kind": "comment",
        "text": "Опять яма на Кирова",
        "labels": {"category": "roads"},
    }
    jsonl.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    app = typer.Typer()
    nlp_cli.register(app)
    result = CliRunner().invoke(app, ["eval", str(tsv), str(jsonl), "--json"])
    assert result.exit_code == 0, result.output
    sources = json.loads(result.output)["sources"]
    assert set(sources) == {"dev", "own"}
    assert set(sources["dev"]) == {"messages", "toxic"}
    assert set(sources["own"]) == {"messages", "category"}
    table = CliRunner().invoke(app, ["eval", str(tsv), str(jsonl)])
    assert table.exit_code == 0 and "dev" in table.output and "own" in table.output


def test_unknown_dataset_name_is_an_error() -> None:
    app = typer.Typer()
    nlp_cli.register(app)
    result = CliRunner().invoke(app, ["eval", "--dataset", "нет-такого"])
    assert result.exit_code == 2


def test_reader_follows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text(TSV, encoding="utf-8")
    assert read_source(path)[0].labels == {"toxic": True}
