"""`mcu deadletter list | replay`: what the pipeline could not take; re-driving it after a fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from streams.settings import Settings

if TYPE_CHECKING:
    from streams.deadletters import DeadLetter

app = typer.Typer(
    help="Записи, которые конвейер не смог обработать (mcu.deadletter).", no_args_is_help=True
)

Stage = Annotated[str | None, typer.Option("--stage", help="Этап: tag, index, alerts, status.")]
Reason = Annotated[
    str | None,
    typer.Option("--reason", help="Код причины (invalid_json, too_large, …) или часть текста."),
]


def _letters(stage: str | None, reason: str | None) -> list[DeadLetter]:
    from streams.deadletters import read

    kafka = Settings().kafka
    letters = read(kafka.bootstrap, kafka.topics.deadletter, options=kafka.client_options())
    return [d for d in letters if d.matches(stage, reason)]


@app.command("list")
def list_(
    stage: Stage = None,
    reason: Reason = None,
    as_json: Annotated[bool, typer.Option("--json", help="По строке JSON на запись.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Сколько последних показать.")] = 50,
) -> None:
    """Показывает записи с этапом, причиной и началом исходного текста."""
    letters = _letters(stage, reason)
    for d in letters[-limit:]:
        when = datetime.fromtimestamp(d.timestamp_ms / 1000, UTC).isoformat(timespec="seconds")
        excerpt = d.value[:160].decode("utf-8", "replace")
        if as_json:
            row = {
                "partition": d.partition,
                "offset": d.offset,
                "at": when,
                "stage": d.stage,
                "code": d.code,
                "reason": d.reason,
                "origin": d.origin,
                "excerpt": excerpt,
            }
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            typer.echo(f"{d.partition}:{d.offset}  {when}  {d.stage:<6} {d.code:<15} {d.reason}")
            typer.echo(f"    {excerpt}")
    typer.echo(f"Всего записей: {len(letters)}", err=True)


@app.command()
def replay(
    stage: Stage = None,
    reason: Reason = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Без фильтра: отправить все записи.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Только посчитать.")] = False,
) -> None:
    """Отправляет исходные записи обратно в их темы (после исправления причины)."""
    from streams.deadletters import replay as redrive

    if not (stage or reason or everything):
        typer.echo("Укажите --stage и/или --reason (или --all для всех записей).", err=True)
        raise typer.Exit(2)
    letters = _letters(stage, reason)
    if dry_run:
        typer.echo(f"Будет отправлено записей: {len(letters)}")
        return
    kafka = Settings().kafka
    counts = redrive(kafka.bootstrap, letters, options=kafka.client_options())
    for topic, n in sorted(counts.items()):
        typer.echo(f"Отправлено в {topic}: {n}")
    typer.echo(f"Всего отправлено: {sum(counts.values())}")
