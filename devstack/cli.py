"""`mcu devstack up | down | status` and `mcu demo`: the real servers on this machine."""

from __future__ import annotations

import json

import typer

from devstack import stack
from devstack.fetch import MissingTool
from devstack.settings import StackSettings

app = typer.Typer(
    help="Локальные серверы: Kafka, OpenSearch, Prometheus, SMTP, Bot API, IMAP.",
    no_args_is_help=True,
)


@app.command()
def up() -> None:
    """Запускает серверы (уже работающие не трогает) и ждёт, пока каждый ответит."""
    try:
        stack.up(StackSettings(), say=typer.echo)
    except MissingTool as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    except (RuntimeError, TimeoutError) as exc:
        typer.echo(f"Ошибка запуска: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def down() -> None:
    """Останавливает только то, что запустил `up`."""
    stack.down(StackSettings(), say=typer.echo)


@app.command()
def status() -> None:
    """Показывает, что работает."""
    for server, pid, ready in stack.status(StackSettings()):
        if pid is not None:
            state = f"работает (pid {pid}), {'отвечает' if ready else 'не отвечает'}"
        else:
            state = "занят чужим процессом" if ready else "остановлен"
        typer.echo(f"{server.title:<18} {server.address:<28} {state}")


def register(root: typer.Typer) -> None:
    """Adds `mcu devstack …` and `mcu demo` to the product's command."""
    root.add_typer(app, name="devstack")

    @root.command()
    def demo(
        as_json: bool = typer.Option(False, "--json", help="Итог одной строкой JSON в конце."),
        timeout: float = typer.Option(600.0, help="Сколько секунд ждать индексации."),
    ) -> None:
        """Поднимает серверы, запускает обработчик, отправляет пример и печатает итог."""
        from devstack import demo as demo_run

        def say(line: str) -> None:
            # With --json the last stdout line is the JSON; progress goes to stderr.
            typer.echo(line, err=as_json)

        try:
            summary = demo_run.run(StackSettings(), say=say, timeout=timeout)
        except (RuntimeError, TimeoutError) as exc:
            typer.echo(f"Демонстрация не удалась: {exc}", err=True)
            raise typer.Exit(1) from exc
        say(demo_run.render(summary))
        if as_json:
            typer.echo(json.dumps(summary.as_json(), ensure_ascii=False))
        if summary.indexed + summary.deadletter < summary.replayed:
            raise typer.Exit(1)
