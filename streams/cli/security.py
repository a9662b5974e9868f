"""`mcu token new PERSON`, `mcu audit`: personal API tokens and the audit log."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import typer

from streams.settings import Settings

token_app = typer.Typer(help="Личные токены API оповещений.", no_args_is_help=True)


@token_app.command("new")
def new_token(person: str = typer.Argument(..., help="id человека из roster.yaml.")) -> None:
    """Печатает новый токен (один раз) и строку для roster.yaml: в конфигурации — только хэш."""
    from alerts.access import hash_token, new_token
    from alerts.config import load_config
    from alerts.errors import ConfigError

    settings = Settings()
    try:
        roster = load_config(settings.alerts.config_files).roster
    except ConfigError as exc:
        typer.echo(f"Ошибка в конфигурации оповещений:\n{exc}", err=True)
        raise typer.Exit(2) from exc
    if person not in {p.id for p in roster.people}:
        typer.echo(f"Нет такого человека в roster: {person!r}", err=True)
        raise typer.Exit(2)
    token = new_token()
    typer.echo(f"Токен для {person} (показан один раз, передайте его лично): {token}")
    typer.echo("Добавьте в roster.yaml этому человеку (старые токены можно оставить на время):")
    typer.echo(f'    api_tokens: ["{hash_token(token)}"]')


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")

    @app.command()
    def audit(
        since: str = typer.Option("", help="С какого момента (ISO 8601, например 2026-03-01)."),
        actor: str = typer.Option("", help="Только действия этого человека (id из roster)."),
        as_json: bool = typer.Option(False, "--json", help="Строки JSON, как в журнале."),
    ) -> None:
        """Журнал действий с оповещениями: кто, когда, что (взял в работу, закрыл, тишина)."""
        from alerts.config import load_config
        from alerts.errors import ConfigError
        from alerts.roster import Roster
        from reports.period import TZ
        from streams.audit import AuditFile

        settings = Settings()
        start = None
        if since:
            try:
                start = datetime.fromisoformat(since)
            except ValueError as exc:
                typer.echo(f"--since: не дата ISO 8601: {since!r}", err=True)
                raise typer.Exit(2) from exc
            if start.tzinfo is None:
                start = start.replace(tzinfo=TZ)
        entries = AuditFile(settings.audit_file).read(start, actor or None)
        if as_json:
            for entry in entries:
                typer.echo(json.dumps(entry.to_dict(), ensure_ascii=False))
            return
        name: Callable[[str], str]
        try:
            name = Roster(load_config(settings.alerts.config_files).roster).display_name
        except ConfigError:
            name = str  # the log stays readable without the roster, by ids
        for entry in entries:
            typer.echo(f"{entry.at.astimezone(TZ):%d.%m.%Y %H:%M:%S}  {entry.describe(name)}")
        typer.echo(f"Записей: {len(entries)} ({settings.audit_file})")
