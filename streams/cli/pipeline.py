"""`mcu worker`, `mcu replay FILE`: the pipeline's commands."""

from __future__ import annotations

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
            sent = publish(
                settings.kafka.bootstrap,
                lines(file),
                topic=topic,
                progress=bar.update,
                options=settings.kafka.client_options(),
            )
        typer.echo(f"Отправлено {sent} сообщений в {topic} ({settings.kafka.bootstrap}).")

    @app.command()
    def check() -> None:
        """Проверяет настройки, конфигурацию оповещений и модели разметки, ничего не запуская."""
        from alerts.config import load_config as load_alerts
        from alerts.errors import ConfigError
        from nlp.config import ConfigError as NlpConfigError
        from nlp.config import load_config as load_nlp
        from nlp.learned import DEFAULT_PATH as HEADS_PATH

        settings = Settings()
        try:
            alerts = load_alerts(settings.alerts.config_files)
            lexicons = load_nlp()
        except (ConfigError, NlpConfigError) as exc:
            typer.echo(f"Ошибка в конфигурации:\n{exc}", err=True)
            raise typer.Exit(2) from exc
        if not HEADS_PATH.is_file():
            typer.echo(f"Нет файла весов моделей разметки: {HEADS_PATH}", err=True)
            raise typer.Exit(2)
        files = ", ".join(str(p) for p in settings.alerts.config_files)
        typer.echo(f"Оповещения: {len(alerts.rules)} правил, файлы {files}")
        typer.echo(f"Словари разметки: {len(lexicons.categories)} категорий")
        typer.echo(f"Веса моделей разметки: {HEADS_PATH}")
        typer.echo("Конфигурация в порядке.")
