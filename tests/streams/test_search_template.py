"""The index template: every tag is a keyword/boolean/number field Kibana can filter on."""

from __future__ import annotations

import pytest

from streams.search.engine import index_for
from streams.search.template import MAPPINGS, index_template

NLP = MAPPINGS["properties"]["nlp"]["properties"]


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("category", "keyword"),
        ("sentiment", "keyword"),
        ("conflict_reasons", "keyword"),
        ("addresses", "keyword"),
        ("officials", "keyword"),
        ("lemmas", "keyword"),
        ("conflict", "boolean"),
        ("toxic", "boolean"),
        ("is_complaint", "boolean"),
        ("is_question", "boolean"),
        ("formal_reply", "boolean"),
        ("rude_reply", "boolean"),
        ("toxicity", "float"),
        ("category_score", "float"),
    ],
)
def test_every_tag_is_filterable(field: str, kind: str) -> None:
    assert NLP[field]["type"] == kind


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("incident_id", "keyword"),
        ("department", "keyword"),
        ("status", "keyword"),
        ("deadline", "date"),
        ("needs_response", "boolean"),
        ("overdue", "boolean"),
    ],
)
def test_fields_of_the_status_indexer_are_mapped_not_guessed(field: str, kind: str) -> None:
    assert MAPPINGS["properties"][field]["type"] == kind


def test_text_is_searchable_in_russian_and_by_lemma() -> None:
    text = MAPPINGS["properties"]["text"]
    assert text["analyzer"] == "russian"
    assert NLP["lemmas_text"]["analyzer"] == "lemmas"
    assert index_template("mcu-messages")["index_patterns"] == ["mcu-messages-*"]


@pytest.mark.parametrize(
    ("created_at", "index"),
    [
        ("2026-11-20T10:00:00+05:00", "mcu-messages-2026.11"),
        ("2026-12-01T02:00:00+05:00", "mcu-messages-2026.11"),  # still November in UTC
        (None, "mcu-messages-undated"),
        ("вчера", "mcu-messages-undated"),
    ],
)
def test_monthly_index_by_the_message_date(created_at: str | None, index: str) -> None:
    assert index_for("mcu-messages", created_at) == index
