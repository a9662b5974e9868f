"""`mcu devstack up | down | status`: the real servers on this machine."""

from __future__ import annotations

import typer

from streams.devstack import stack
from streams.devstack.fetch import MissingTool
from streams.settings import Settings

app = typer.Typer(
    help="Локальные серверы: Kafka, OpenSearch, Prometheus, SMTP, Bot API.", no_args_is_help=True
)


@app.command()
def up() -> None:
    """Запускает серверы (уже работающие не трогает) и ждёт, пока каждый ответит."""
    try:
        stack.up(Settings(), say=typer.echo)
    except MissingTool as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    except (RuntimeError, TimeoutError) as exc:
        typer.echo(f"Ошибка запуска: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def down() -> None:
    """Останавливает только то, что запустил `up`."""
    stack.down(Settings(), say=typer.echo)


@app.command()
def status() -> None:
    """Показывает, что работает."""
    for server, pid, ready in stack.status(Settings()):
        if pid is not None:
            state = f"работает (pid {pid}), {'отвечает' if ready else 'не отвечает'}"
        else:
            state = "занят чужим процессом" if ready else "остановлен"
        typer.echo(f"{server.title:<18} {server.address:<28} {state}")
