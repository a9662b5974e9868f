"""JSONL in, JSONL out: a line per line, in order; bad lines come back with `error`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from nlp.tagger import Tagger, Tagging, TextItem

KINDS = {"post", "comment", "appeal", "reply"}
Parsed = tuple[dict[str, Any] | None, dict[str, Any] | None]


def _dump(record: dict[str, Any]) -> str:
    """UTF-8 JSON; raises ValueError for what cannot be written back (NaN, lone surrogates)."""
    line = json.dumps(record, ensure_ascii=False, allow_nan=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"строка содержит непарный суррогат UTF-16 ({error.reason})") from error
    return line


def _failed(raw: str, reason: str, value: Any = None) -> dict[str, Any]:
    record: dict[str, Any] = {"raw": raw, "error": reason}
    message_id = value.get("id") if isinstance(value, dict) else None
    if isinstance(message_id, str | int) and not isinstance(message_id, bool):
        try:
            _dump({"id": message_id})
            record = {"id": message_id, **record}
        except ValueError:
            pass
    return record


def _parse(line: str | bytes) -> Parsed:
    """Returns (message, None) for a taggable line, else (None, error record)."""
    raw = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
    raw = raw.rstrip("\r\n")
    try:
        value = json.loads(raw)
    except RecursionError:
        return None, _failed(raw, "строка JSON вложена слишком глубоко")
    except ValueError as error:
        return None, _failed(raw, f"строка не является JSON: {error}")
    if not isinstance(value, dict):
        return None, _failed(raw, "строка JSON не является объектом")
    try:
        _dump(value)
    except (ValueError, RecursionError) as error:
        return None, _failed(raw, f"сообщение нельзя записать обратно в JSON: {error}", value)
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        return None, {**value, "error": "нет текста сообщения (поле text)"}
    return value, None


def _item(message: dict[str, Any]) -> TextItem:
    kind = message.get("kind")
    return TextItem(message["text"], kind if isinstance(kind, str) and kind in KINDS else "post")


def tag_lines(lines: Iterable[str | bytes], tagger: Tagger, batch_size: int = 64) -> Iterator[str]:
    """Tags JSONL messages in batches; each output line is the input object plus `nlp`."""
    batch: list[Parsed] = []
    for line in lines:
        batch.append(_parse(line))
        if len(batch) >= batch_size:
            yield from _flush(batch, tagger)
            batch = []
    if batch:
        yield from _flush(batch, tagger)


def _tag_all(tagger: Tagger, items: list[TextItem]) -> list[Tagging | Exception]:
    """One batch call; should a text break it, each message alone, so only that one fails."""
    try:
        return list(tagger.tag_many(items))
    except Exception:  # the contract: a bad message is an error line, never a stop
        results: list[Tagging | Exception] = []
        for item in items:
            try:
                results.append(tagger.tag(item))
            except Exception as error:
                results.append(error)
        return results


def _flush(batch: list[Parsed], tagger: Tagger) -> Iterator[str]:
    messages = [message for message, _ in batch if message is not None]
    taggings = iter(_tag_all(tagger, [_item(message) for message in messages]))
    for message, error in batch:
        if message is None:
            assert error is not None
            yield _dump_error(error)
            continue
        tagging = next(taggings)
        if isinstance(tagging, Exception):
            reason = f"не удалось разметить: {type(tagging).__name__}: {tagging}"
            yield _dump_error({**message, "error": reason})
        else:
            yield _dump({**message, "nlp": tagging.to_dict()})


def _dump_error(record: dict[str, Any]) -> str:
    try:
        return _dump(record)
    except ValueError:
        # ASCII escapes keep even a lone surrogate of the raw line readable JSON.
        return json.dumps(record, ensure_ascii=True, allow_nan=True)
