"""Shared helpers of the alerts tests: messages, times, configs, free ports."""

from __future__ import annotations

import socket
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from alerts.config import AlertsConfig, build_config
from alerts.yamlsource import Located, load_yaml, merge
from streams.settings import CONFIG_DIR

TZ = ZoneInfo("Asia/Yekaterinburg")
ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILES = [CONFIG_DIR / name for name in ("rules.yaml", "routes.yaml", "roster.yaml")]


def at(text: str) -> datetime:
    """'2026-03-10 10:00' in Yekaterinburg time."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def example_config(**overrides: Any) -> AlertsConfig:
    """The shipped alerts/examples/*.yaml with some top-level keys replaced."""
    doc = merge([load_yaml(p) for p in CONFIG_FILES])
    # The test messages (vk:-1_…) are comments on the municipality's own page.
    incidents = {**doc.data.get("incidents", {}), "own_pages": ["vk:-1_"]}
    data = {**doc.data, "incidents": incidents, **overrides}
    return build_config(Located(data, doc.marks))


def message(
    ident: str,
    text: str,
    *,
    created: str = "2026-03-10 10:00",
    source: str = "vk",
    kind: str = "comment",
    category: str | None = "housing",
    sentiment: str = "negative",
    conflict: bool = False,
    reasons: tuple[str, ...] = (),
    toxicity: float = 0.0,
    complaint: bool = False,
    question: bool = False,
    addresses: tuple[str, ...] = (),
    author: tuple[str, str] = ("vk:1001", "Иван Петров"),
    official: bool = False,
    parent: str | None = None,
    thread: str | None = None,
    reactions: dict[str, int] | None = None,
    formal: bool | None = None,
    rude: bool | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """A tagged message as the tag stage emits it (nlp filled by hand)."""
    return {
        "id": ident,
        "source": source,
        "kind": kind,
        "thread_id": thread or parent or ident,
        "parent_id": parent,
        "url": url or f"https://vk.com/wall-1_{ident.rsplit('_', 1)[-1]}",
        "author": {"id": author[0], "name": author[1], "is_official": official},
        "text": text,
        "created_at": at(created).isoformat(),
        "reactions": reactions or {"likes": 0, "reposts": 0, "comments": 0, "views": 0},
        "nlp": {
            "category": category,
            "sentiment": sentiment,
            "toxicity": toxicity,
            "conflict": conflict,
            "conflict_reasons": list(reasons),
            "is_complaint": complaint,
            "is_question": question,
            "addresses": list(addresses),
            "formal_reply": formal,
            "rude_reply": rude,
        },
    }


def reply(
    ident: str,
    parent: str,
    text: str,
    created: str,
    *,
    formal: bool = False,
    rude: bool = False,
    thread: str | None = None,
) -> dict[str, Any]:
    """An official reply of the administration's account."""
    return message(
        ident,
        text,
        created=created,
        kind="reply",
        sentiment="neutral",
        author=("vk:-1", "Администрация Камышловского ГО"),
        official=True,
        parent=parent,
        thread=thread or parent,
        formal=formal,
        rude=rude,
        category=None,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
