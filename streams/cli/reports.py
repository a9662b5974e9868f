"""`mcu ratings` and `mcu report`: department ratings and the report to the head."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from reports.documents import Doc
from reports.html import ReportMeta
from reports.names import Names
from reports.period import TZ, Period
from reports.ratings import FOLLOW_UP, DepartmentRating, format_table, to_csv
from reports.report import render_report
from streams import ratings as search_ratings
from streams.search import SearchEngine

FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="Первый день периода, ГГГГ-ММ-ДД (по умолчанию — начало месяца)."),
]
ToOpt = Annotated[
    str | None,
    typer.Option("--to", help="Последний день периода включительно (по умолчанию — сегодня)."),
]


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"ожидается дата ГГГГ-ММ-ДД, получено {text!r}"
        raise typer.BadParameter(message, param_hint=option) from None


def period_of(first: str | None, last: str | None, today: date) -> Period:
    """The period from the options; defaults to the current month up to today."""
    start = _day(first, "--from") if first else today.replace(day=1)
    end = _day(last, "--to") if last else today
    if end < start:
        raise typer.BadParameter(f"конец периода {end} раньше начала {start}", param_hint="--to")
    return Period.from_dates(start, end)


@contextmanager
def search_engine() -> Iterator[SearchEngine]:
    """The configured search engine; exits with a message when it does not answer."""
    from streams.search import connect
    from streams.settings import Settings

    settings = Settings()
    engine = connect(settings.search)
    try:
        if not engine.ping():
            typer.echo(f"Поисковая система недоступна: {settings.search.url}", err=True)
            raise typer.Exit(2)
        yield engine
    finally:
        engine.close()


def fetch(period: Period, now: datetime, *, follow_up: timedelta = timedelta(0)) -> list[Doc]:
    """Documents created in the period (plus `follow_up` after it, for reactions to replies)."""
    with search_engine() as engine:
        return search_ratings.fetch(engine, period, now, follow_up)


def names() -> Names:
    """Category titles and department names from the alerts roster; ids if it cannot be read."""
    from alerts.config import load_config
    from streams.settings import Settings

    files = Settings().alerts.config_files
    try:
        roster = load_config(files).roster
    except (ValueError, OSError) as exc:  # ConfigError and pydantic errors are ValueErrors
        typer.echo(f"Названия подразделений не прочитаны, показываю их id. {exc}", err=True)
        return Names()
    return Names(departments={d.id: d.name for d in roster.departments})


def rate(period: Period, now: datetime, departments: Iterable[str] = ()) -> list[DepartmentRating]:
    """The same rating the worker publishes: every roster department, with messages or not."""
    with search_engine() as engine:
        return search_ratings.rate(engine, period, now, departments)


def ratings(
    first: FromOpt = None,
    last: ToOpt = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Сохранить рейтинг в CSV.")] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Отдавать рейтинг как метрики Prometheus на этом порту и обновлять."),
    ] = None,
    metrics_addr: Annotated[str, typer.Option(help="Адрес для метрик.")] = "127.0.0.1",
    refresh: Annotated[int, typer.Option(help="Период пересчёта для --metrics-port, минут.")] = 15,
) -> None:
    """Рейтинг подразделений (п. 18 Положения о МЦУ): количество, сроки, полнота ответов."""
    now = datetime.now(TZ)
    period = period_of(first, last, now.date())
    shown = names()
    rows = rate(period, now, shown.departments)
    typer.echo(f"Рейтинг подразделений за {period.label()}")
    typer.echo(format_table(rows, shown) if rows else "Нет обращений за период.")
    if csv is not None:
        csv.write_text(to_csv(rows, shown), encoding="utf-8")
        typer.echo(f"CSV: {csv}")
    if metrics_port is None:
        return
    serve_ratings(first, last, rows, period, metrics_port, metrics_addr, refresh)


def serve_ratings(
    first: str | None,
    last: str | None,
    rows: list[DepartmentRating],
    period: Period,
    port: int,
    addr: str,
    refresh: int,
) -> None:
    """Keeps the rating gauges up to date for the operations screen until interrupted."""
    from prometheus_client import CollectorRegistry

    from streams.metrics import RatingGauges, start_metrics_server

    registry = CollectorRegistry()
    gauges = RatingGauges(registry)
    gauges.set(rows, period.end.timestamp())
    server = start_metrics_server(registry, port, addr)
    typer.echo(f"Метрики рейтинга: http://{addr}:{server.server_port}/metrics (Ctrl+C — выход)")
    try:
        while True:
            time.sleep(refresh * 60)
            now = datetime.now(TZ)
            period = period_of(first, last, now.date())
            gauges.set(rate(period, now, names().departments), period.end.timestamp())
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def print_to_pdf(html: str, out: Path) -> None:
    """Prints the HTML to PDF with headless Chromium (Debian package `chromium`)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        typer.echo("Для PDF нужен Chromium: apt-get install chromium", err=True)
        raise typer.Exit(2)
    with tempfile.TemporaryDirectory(prefix="mcu-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        argv = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out.resolve()}",
            page.as_uri(),
        ]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False)
        if done.returncode != 0 or not out.exists():
            typer.echo(f"Chromium не смог сохранить PDF: {done.stderr[-500:]}", err=True)
            raise typer.Exit(1)


def report(
    out: Annotated[Path, typer.Option("--out", help="Файл отчёта: .html или .pdf.")],
    first: FromOpt = None,
    last: ToOpt = None,
    addressee: Annotated[str, typer.Option(help="Кому.")] = ReportMeta.addressee,
    signer: Annotated[str, typer.Option(help="Подпись.")] = ReportMeta.signer,
) -> None:
    """Отчёт главе: поток, проблемы, просрочки, рейтинг, конфликты — HTML или PDF."""
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise typer.BadParameter("файл отчёта должен быть .html или .pdf", param_hint="--out")
    now = datetime.now(TZ)
    period = period_of(first, last, now.date())
    docs = fetch(period, now, follow_up=FOLLOW_UP)
    meta = ReportMeta(addressee=addressee, signer=signer)
    html = render_report(docs, period, now=now, meta=meta, names=names())
    if out.suffix.lower() == ".pdf":
        print_to_pdf(html, out)
    else:
        out.write_text(html, encoding="utf-8")
    typer.echo(f"Отчёт за {period.label()}: {out} ({len(docs)} сообщений)")


def register(app: typer.Typer) -> None:
    """Adds `mcu ratings` and `mcu report` to the main app."""
    app.command("ratings")(ratings)
    app.command("report")(report)
