"""The `mcu` command: one typer app, one module per command group."""

from __future__ import annotations

from importlib.util import find_spec

import typer

from streams.cli import bench, connect, deadletter, nlp, pipeline, reports, security

app = typer.Typer(
    name="mcu",
    help="МЦУ monitor: обращения граждан из Kafka — в разметку, поиск и оповещения.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _secure_logs() -> None:
    """Every command's log lines pass the secrets filter (settings are read again by each)."""
    from pydantic import ValidationError

    from streams import redact
    from streams.settings import Settings

    try:
        redact.install(redact.secrets_of(Settings()))
    except ValidationError:
        # The command reports the bad setting itself; secret-shaped strings are still hidden.
        redact.install()


pipeline.register(app)
bench.register(app)
app.add_typer(deadletter.app, name="deadletter")
nlp.register(app)
reports.register(app)
security.register(app)
connect.register(app)
# The local stack (`mcu devstack`, `mcu demo`) is a separate package, present in development.
if find_spec("devstack") is not None:
    from devstack.cli import register as register_devstack

    register_devstack(app)


def main() -> None:
    app()
