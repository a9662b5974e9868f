"""`mcu eval`: the tagger against every labelled source given, one table row per source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from streams.cli.nlp import ConfigOption, tagger_from

DATASETS_DIR = Path("../shared/datasets")
# (column, heading, path into the metrics of a source)
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("кат.точн", ("category", "accuracy")),
    ("кат.mF1", ("category", "macro_f1")),
    ("тон.точн", ("sentiment", "accuracy")),
    ("тон.F1±", ("sentiment", "f1_pn")),
    ("токс.F1", ("toxic", "f1")),
    ("токс.R", ("toxic", "recall")),
    ("конф.F1", ("conflict", "f1")),
    ("жал.F1", ("is_complaint", "f1")),
    ("вопр.F1", ("is_question", "f1")),
    ("отпис.F1", ("formal_reply", "f1")),
    ("груб.F1", ("rude_reply", "f1")),
    ("PER", ("entities", "PER", "f1")),
    ("LOC", ("entities", "LOC", "f1")),
    ("ORG", ("entities", "ORG", "f1")),
    ("PERт", ("entities_text", "PER", "f1")),
    ("LOCт", ("entities_text", "LOC", "f1")),
    ("ORGт", ("entities_text", "ORG", "f1")),
    ("адр.F1", ("addresses", "f1")),
    ("долж.F1", ("officials", "f1")),
)


def _value(metrics: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = metrics
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value)


def table(results: dict[str, dict[str, Any]]) -> list[str]:
    """Rows of the per-source table; a field a source does not label is «—»; empty columns go."""
    shown = [
        (heading, path)
        for heading, path in COLUMNS
        if any(_value(metrics, path) is not None for metrics in results.values())
    ]
    width = max([len("источник"), *map(len, results)])
    lines = [f"{'источник':<{width}}  {'сообщ.':>6}  " + "  ".join(f"{h:>8}" for h, _ in shown)]
    for name, metrics in results.items():
        cells = []
        for _, path in shown:
            value = _value(metrics, path)
            cells.append(f"{'—' if value is None else f'{value:.3f}':>8}")
        lines.append(f"{name:<{width}}  {metrics['messages']:>6}  " + "  ".join(cells))
    return lines


def _sources(files: list[Path], names: list[str], root: Path) -> list[tuple[str, Path, str | None]]:
    from nlp.corpora import datasets

    known = datasets(root)
    sources: list[tuple[str, Path, str | None]] = []
    for name in names:
        if name == "all":
            sources.extend((key, path, reader) for key, (path, reader) in known.items())
        elif name in known:
            sources.append((name, *known[name]))
        else:
            typer.echo(f"Неизвестный набор {name!r}; есть: all, {', '.join(known)}", err=True)
            raise typer.Exit(2)
    for path in files:
        if not path.exists():
            typer.echo(f"{path}: файл не найден", err=True)
            raise typer.Exit(2)
        sources.append((path.stem if path.is_file() else path.name, path, None))
    return sources


def evaluate_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Размеченные файлы: JSONL (data/eval/GUIDE.md), .tsv, .csv, каталог"),
    ] = None,
    dataset: Annotated[
        list[str] | None,
        typer.Option(
            "--dataset",
            help="Отложенная часть общего набора: toxicity-dev, toxicity-test, sentiment-test, "
            "ner-dev, ner-test или all",
        ),
    ] = None,
    datasets_dir: Annotated[
        Path, typer.Option("--datasets-dir", help="Каталог общих наборов")
    ] = DATASETS_DIR,
    as_json: Annotated[
        bool, typer.Option("--json", help="Один JSON-объект: метрики по каждому источнику")
    ] = False,
    detail: Annotated[bool, typer.Option("--detail", help="Все метрики каждого источника")] = False,
    config: ConfigOption = None,
) -> None:
    """Сравнивает разметку тэггера с эталоном по каждому источнику, по размеченным в нём полям."""
    from nlp.corpora import CorpusError, read_source
    from nlp.evaluate import evaluate
    from nlp.tagger import TextItem

    sources = _sources(list(files or []), list(dataset or []), datasets_dir)
    if not sources:
        typer.echo("Укажите размеченные файлы или --dataset", err=True)
        raise typer.Exit(2)
    try:
        read = [(name, read_source(path, reader)) for name, path, reader in sources]
    except CorpusError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    tagger = tagger_from(config)
    results: dict[str, dict[str, Any]] = {}
    for name, examples in read:
        items = [TextItem(example.text, example.kind) for example in examples]
        predicted = [tagging.to_dict() for tagging in tagger.tag_many(items)]
        key = name if name not in results else f"{name} ({len(results) + 1})"
        results[key] = evaluate([example.labels for example in examples], predicted)
    if as_json:
        typer.echo(json.dumps({"sources": results}, ensure_ascii=False))
        return
    for line in table(results):
        typer.echo(line)
    if detail:
        for name, metrics in results.items():
            typer.echo(f"\n{name}:")
            typer.echo(json.dumps(metrics, ensure_ascii=False, indent=1))
