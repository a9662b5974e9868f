"""JSONL in, JSONL out: a line per line, in order; bad lines come back with `error`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from nlp.tagger import Tagger, TextItem

KINDS = {"post", "comment", "appeal", "reply"}


def _parse(line: str | bytes) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Returns (message, None) for a taggable line, else (None, error record)."""
    raw = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
    raw = raw.rstrip("\r\n")
    try:
        value = json.loads(raw)
    except ValueError as error:
        return None, {"raw": raw, "error": f"строка не является JSON: {error}"}
    if not isinstance(value, dict):
        return None, {"raw": raw, "error": "строка JSON не является объектом"}
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        return None, {**value, "error": "нет текста сообщения (поле text)"}
    return value, None


def _item(message: dict[str, Any]) -> TextItem:
    kind = message.get("kind")
    return TextItem(message["text"], kind if isinstance(kind, str) and kind in KINDS else "post")


def tag_lines(lines: Iterable[str | bytes], tagger: Tagger, batch_size: int = 64) -> Iterator[str]:
    """Tags JSONL messages in batches; each output line is the input object plus `nlp`."""
    batch: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
    for line in lines:
        batch.append(_parse(line))
        if len(batch) >= batch_size:
            yield from _flush(batch, tagger)
            batch = []
    if batch:
        yield from _flush(batch, tagger)


def _flush(
    batch: list[tuple[dict[str, Any] | None, dict[str, Any] | None]], tagger: Tagger
) -> Iterator[str]:
    messages = [message for message, _ in batch if message is not None]
    taggings = iter(tagger.tag_many([_item(message) for message in messages]))
    for message, error in batch:
        record = error if message is None else {**message, "nlp": next(taggings).to_dict()}
        yield json.dumps(record, ensure_ascii=False)
