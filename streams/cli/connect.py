"""`mcu connect SOURCE`, `mcu connectors`, `mcu import pos FILE`: the connector services."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import typer

importer = typer.Typer(help="Загрузка выгрузок в Kafka.", no_args_is_help=True)


def _serve(names: list[str]) -> None:
    from connectors.registry import REGISTRY
    from connectors.service import serve
    from connectors.settings import ConnectorSettings

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        typer.echo(f"Нет коннектора: {', '.join(unknown)}; есть: {', '.join(REGISTRY)}", err=True)
        raise typer.Exit(2)
    if not names:
        typer.echo("Ни один коннектор не включён (MCU_CONNECTORS__RUN).", err=True)
        raise typer.Exit(2)
    failures = asyncio.run(serve(ConnectorSettings(), names))
    for reason in failures:
        typer.echo(reason, err=True)
    if failures:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    @app.command()
    def connect(
        source: str = typer.Argument(..., help="vk, ok, telegram, telethon, max, imap, form"),
    ) -> None:
        """Запускает один коннектор источника (отдельный процесс, свой курсор)."""
        _serve([source])

    @app.command()
    def connectors() -> None:
        """Запускает в одном процессе все коннекторы из MCU_CONNECTORS__RUN."""
        from connectors.settings import ConnectorSettings

        settings = ConnectorSettings().connectors
        _serve([n for n in settings.run if getattr(settings, n).enabled])

    @importer.command("pos")
    def import_pos(
        file: Path = typer.Argument(
            ..., exists=True, dir_okay=False, help="Реестр ПОС: CSV или XLSX."
        ),
    ) -> None:
        """Загружает реестр обращений ПОС (CSV/XLSX) в mcu.messages.raw."""
        from connectors.pos.registry import BadRegistry, import_file
        from connectors.settings import ConnectorSettings

        try:
            sent, problems = asyncio.run(import_file(ConnectorSettings(), file))
        except BadRegistry as exc:
            typer.echo(f"Файл не загружен: {exc}", err=True)
            raise typer.Exit(2) from exc
        for line in problems:
            typer.echo(f"Пропущена {line}", err=True)
        typer.echo(
            f"Загружено обращений ПОС: {sent}"
            + (f", пропущено: {len(problems)}" if problems else "")
        )
        if problems:
            raise typer.Exit(1)

    app.add_typer(importer, name="import")
