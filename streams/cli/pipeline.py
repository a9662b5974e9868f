"""`mcu worker`, `mcu replay FILE`, `mcu demo`: the pipeline's commands."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from streams.settings import Settings


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(loglevel: str = typer.Option("INFO", help="Уровень журнала.")) -> None:
        """Запускает обработчик faust (агенты разметки и индексации)."""
        from streams.worker import run

        run(Settings(), loglevel=loglevel)

    @app.command()
    def replay(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Файл JSONL."),
        topic: str = typer.Option("", help="Тема Kafka (по умолчанию — входная тема конвейера)."),
    ) -> None:
        """Отправляет сообщения из файла JSONL в Kafka (строки — как есть, ключ — ветка)."""
        from tqdm import tqdm

        from streams.replay import lines, publish

        settings = Settings()
        topic = topic or settings.kafka.topics.raw
        total = sum(1 for _ in lines(file))
        with tqdm(total=total, unit="сообщ.", desc="Отправка", disable=total < 500) as bar:
            sent = publish(settings.kafka.bootstrap, lines(file), topic=topic, progress=bar.update)
        typer.echo(f"Отправлено {sent} сообщений в {topic} ({settings.kafka.bootstrap}).")

    @app.command()
    def demo(
        as_json: bool = typer.Option(False, "--json", help="Итог одной строкой JSON в конце."),
        timeout: float = typer.Option(600.0, help="Сколько секунд ждать индексации."),
    ) -> None:
        """Поднимает серверы, запускает обработчик, отправляет пример и печатает итог."""
        from streams import demo as demo_run

        def say(line: str) -> None:
            # With --json the last stdout line is the JSON; progress goes to stderr.
            typer.echo(line, err=as_json)

        try:
            summary = demo_run.run(Settings(), say=say, timeout=timeout)
        except (RuntimeError, TimeoutError) as exc:
            typer.echo(f"Демонстрация не удалась: {exc}", err=True)
            raise typer.Exit(1) from exc
        say(demo_run.render(summary))
        if as_json:
            typer.echo(json.dumps(summary.as_json(), ensure_ascii=False))
        if summary.indexed + summary.deadletter < summary.replayed:
            raise typer.Exit(1)
