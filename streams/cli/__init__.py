"""The `mcu` command: one typer app, one module per command group."""

from __future__ import annotations

from importlib.util import find_spec

import typer

from streams.cli import bench, nlp, pipeline, reports

app = typer.Typer(
    name="mcu",
    help="МЦУ monitor: обращения граждан из Kafka — в разметку, поиск и оповещения.",
    no_args_is_help=True,
    add_completion=False,
)
pipeline.register(app)
bench.register(app)
nlp.register(app)
reports.register(app)
# The local stack (`mcu devstack`, `mcu demo`) is a separate package, present in development.
if find_spec("devstack") is not None:
    from devstack.cli import register as register_devstack

    register_devstack(app)


def main() -> None:
    app()
