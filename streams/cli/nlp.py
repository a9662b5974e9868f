"""`mcu tag`, `mcu eval`, `mcu bench nlp` (owned by the NLP work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Adds the NLP commands to the main app."""
