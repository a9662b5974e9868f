"""Index template of mcu-messages-*: Russian full text, lemmas, a keyword field for every tag."""

from __future__ import annotations

from typing import Any

KEYWORD = {"type": "keyword"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "date"}
FLOAT = {"type": "float"}
LONG = {"type": "long"}

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "refresh_interval": "1s",
    "analysis": {
        "analyzer": {
            # Lemmas come from natasha already; only split on spaces and lowercase.
            "lemmas": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
        }
    },
}

MAPPINGS: dict[str, Any] = {
    "dynamic": True,
    "properties": {
        "id": KEYWORD,
        "source": KEYWORD,
        "kind": KEYWORD,
        "thread_id": KEYWORD,
        "parent_id": KEYWORD,
        "original_id": KEYWORD,
        "url": KEYWORD,
        # edited | deleted: the source changed or removed the message after we saw it.
        "message_status": KEYWORD,
        "truncated": BOOLEAN,
        "text_bytes": LONG,
        "category_hint": KEYWORD,
        "pos": {
            "properties": {
                "number": KEYWORD,
                "category": KEYWORD,
                "subcategory": KEYWORD,
                "address": KEYWORD,
                "deadline": DATE,
            },
        },
        # Unknown fields of a source, kept as they came, never mapped (no mapping explosion).
        "extra": {"type": "object", "enabled": False},
        "author": {
            "properties": {"id": KEYWORD, "name": KEYWORD, "is_official": BOOLEAN},
        },
        "text": {
            "type": "text",
            "analyzer": "russian",
            "fields": {"lemmas": {"type": "text", "analyzer": "lemmas"}},
        },
        "created_at": DATE,
        "ingested_at": DATE,
        "tagged_at": DATE,
        "indexed_at": DATE,
        "reactions": {
            "properties": {"likes": LONG, "reposts": LONG, "comments": LONG, "views": LONG},
        },
        "nlp": {
            "properties": {
                "lemmas": KEYWORD,
                "lemmas_cut": BOOLEAN,
                "lemmas_text": {"type": "text", "analyzer": "lemmas"},
                "category": KEYWORD,
                "category_score": FLOAT,
                "sentiment": KEYWORD,
                "toxicity": FLOAT,
                "toxic": BOOLEAN,
                "conflict": BOOLEAN,
                "conflict_reasons": KEYWORD,
                "is_complaint": BOOLEAN,
                "is_question": BOOLEAN,
                "formal_reply": BOOLEAN,
                "rude_reply": BOOLEAN,
                "markup": BOOLEAN,
                "truncated": BOOLEAN,
                "addresses": KEYWORD,
                "officials": KEYWORD,
                "entities": {
                    "properties": {"type": KEYWORD, "text": KEYWORD, "normal": KEYWORD},
                },
            }
        },
        "department": KEYWORD,
        # Written by the status indexer; without it the field was mapped dynamically as text.
        "incident_id": KEYWORD,
        "status": KEYWORD,
        "needs_response": BOOLEAN,
        "deadline": DATE,
        "answered_at": DATE,
        "response_hours": FLOAT,
        "reply_id": KEYWORD,
        "reply_formal": BOOLEAN,
        "overdue": BOOLEAN,
    },
}


def index_template(prefix: str) -> dict[str, Any]:
    """Body of PUT _index_template/<prefix>, identical for Elasticsearch 8 and OpenSearch 2."""
    return {
        "index_patterns": [f"{prefix}-*"],
        "priority": 100,
        "template": {"settings": SETTINGS, "mappings": MAPPINGS},
        "_meta": {"owner": "mcu-monitor"},
    }
