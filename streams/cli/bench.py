"""`mcu bench pipeline`: the whole path on the running servers (its own topics and index)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from streams.cli.nlp import bench_app

ROOT = Path.cwd()


def bench_pipeline(
    messages: Annotated[int, typer.Option("--messages", "-n", min=100)] = 10_000,
    workers: Annotated[str, typer.Option(help="Числа обработчиков через запятую.")] = "1,2",
    rate: Annotated[
        float | None, typer.Option(help="Отправлять с этой скоростью, сообщ./с (для задержек).")
    ] = None,
    days: Annotated[float, typer.Option(help="За сколько суток сообщения.")] = 4.0,
    worker_path: Annotated[
        Path, typer.Option(help="Код обработчика (другая копия репозитория — замер «до»).")
    ] = ROOT,
    keep: Annotated[bool, typer.Option(help="Не удалять темы и индекс прогона.")] = False,
    alerts: Annotated[
        bool, typer.Option(help="С оповещениями (--no-alerts: только разметка и индекс).")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Последняя строка — JSON.")] = False,
) -> None:
    """Прогоняет N сообщений через весь конвейер на запущенном стенде: 1 и 2 обработчика."""
    from streams.bench.report import table
    from streams.bench.run import bench

    counts = [int(w) for w in workers.split(",") if w.strip()]
    result = bench(
        messages,
        counts,
        rate,
        worker_path.resolve(),
        ROOT / ".devstack" / "bench",
        say=lambda line: typer.echo(line, err=as_json),
        days=days,
        keep=keep,
        alerts=alerts,
    )
    typer.echo(table(result, worker_path.resolve()), err=as_json)
    if as_json:
        typer.echo(json.dumps({k: v for k, v in result.items() if k != "runs"}))


def register(app: typer.Typer) -> None:
    """Adds `pipeline` to the `mcu bench` group (the group itself is the NLP module's)."""
    del app
    bench_app.command("pipeline")(bench_pipeline)
