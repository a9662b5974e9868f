"""The `mcu` command: one typer app, one module per command group."""

from __future__ import annotations

import typer

from streams.cli import devstack, nlp, pipeline, reports

app = typer.Typer(
    name="mcu",
    help="МЦУ monitor: обращения граждан из Kafka — в разметку, поиск и оповещения.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(devstack.app, name="devstack")
pipeline.register(app)
nlp.register(app)
reports.register(app)


def main() -> None:
    app()
