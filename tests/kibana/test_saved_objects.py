"""Saved objects for analysts: every field they use exists in the index mapping."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from streams.search.template import MAPPINGS

ROOT = Path(__file__).resolve().parents[2] / "kibana"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
AGGREGATABLE = {"keyword", "date", "boolean", "long", "integer", "float", "double"}


def load_build() -> Any:
    spec = importlib.util.spec_from_file_location("kibana_build", ROOT / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = load_build()
FILES = sorted((ROOT / "saved_objects").glob("*.ndjson"))


def flatten(properties: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Dotted field name → type, sub-objects and multi-fields included."""
    out: dict[str, str] = {}
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        if "properties" in spec:
            out.update(flatten(spec["properties"], f"{path}."))
            continue
        out[path] = spec.get("type", "object")
        for sub, sub_spec in spec.get("fields", {}).items():
            out[f"{path}.{sub}"] = sub_spec.get("type", "object")
    return out


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ('nlp.sentiment : "negative" and created_at >= "now-24h"', {"nlp.sentiment", "created_at"}),
        ('text : "не вывозят мусор: уже неделю"', {"text"}),
        (
            'kind : "reply" and (nlp.formal_reply : true or nlp.rude_reply:true)',
            {"kind", "nlp.formal_reply", "nlp.rude_reply"},
        ),
        ('deadline < "now" and not status : ("answered" or "closed")', {"deadline", "status"}),
    ],
)
def test_kql_field_extraction(query: str, fields: set[str]) -> None:
    assert BUILD.kql_fields(query) == fields


def test_committed_files_are_what_build_writes() -> None:
    rendered = BUILD.render()
    assert sorted(rendered) == [f.name for f in FILES]
    for f in FILES:
        assert f.read_text(encoding="utf-8") == rendered[f.name], f"python kibana/build.py: {f}"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_field_exists_in_the_index_template(path: Path) -> None:
    mapping = flatten(MAPPINGS["properties"])
    for obj in read(path):
        missing = BUILD.fields_used(obj) - set(mapping)
        assert not missing, f"{obj['type']} {obj['id']}: нет в маппинге {sorted(missing)}"
        for field in BUILD.aggregated_fields(obj):
            assert mapping[field] in AGGREGATABLE, f"{obj['id']}: {field} ({mapping[field]})"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_objects_are_russian_and_references_resolve(path: Path) -> None:
    objects = read(path)
    ids = {(o["type"], o["id"]) for o in objects}
    assert len(ids) == len(objects)
    titles = {o["attributes"]["title"] for o in objects if o["type"] != "index-pattern"}
    assert {"Негатив за сутки", "Просроченные", "Конфликты"} <= titles
    for o in objects:
        if o["type"] != "index-pattern":
            assert CYRILLIC.search(o["attributes"]["title"]), o["id"]
        for ref in o["references"]:
            assert (ref["type"], ref["id"]) in ids, f"{o['id']} → {ref}"
    [board] = [o for o in objects if o["type"] == "dashboard"]
    panels = json.loads(board["attributes"]["panelsJSON"])
    names = {r["name"] for r in board["references"]}
    assert panels and all(p["panelRefName"] in names for p in panels)
