"""Search words from the NLP lexicons: the municipality's names and the roster's full names."""

from __future__ import annotations

from importlib import resources

import yaml

MUNICIPALITY = ("Камышлов", "Камышловский городской округ")


def keywords_from_lexicons() -> list[str]:
    roster = yaml.safe_load(
        (resources.files("nlp") / "lexicons" / "roster.yaml").read_text(encoding="utf-8")
    )
    people = [f"{p['name']} {p['surname']}" for p in roster.get("roster", [])]
    return [*MUNICIPALITY, *people]
