"""The edge of the pipeline: which raw records become messages and why others don't."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from streams.records import BadMessage, Limits, parse_message, parse_response, thread_key

NOW = datetime(2031, 5, 20, 12, 0, tzinfo=UTC)
DEEP = ("[" * 10_000 + "]" * 10_000).encode()


def record(**fields: object) -> bytes:
    body: dict[str, object] = {"id": "vk:1", "text": "Яма на улице Ленина"}
    body.update(fields)
    return json.dumps(body, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"id": "vk:1", "text": "\xd0', "not UTF-8"),
        ("Нет воды".encode("cp1251"), "not UTF-8"),
        (b'{"id": "vk:1", "text": ', "not JSON"),
        (b'["vk:1", "text"]', "not a JSON object"),
        (b'"x"', "not a JSON object"),
        (b"[1,2]", "not a JSON object"),
        (b'{"id": "vk:1"}', "no text"),
        (b'{"id": "vk:1", "text": "   "}', "invalid text"),
        ('{"id": "", "text": "Яма"}'.encode(), "invalid id"),
        ('{"id": "vk:1", "text": "Яма", "kind": "tweet"}'.encode(), "invalid kind"),
        (record(created_at="2031-05-20T10:00:00"), "invalid created_at"),
        (record(created_at=1763600000), "invalid created_at"),
        (record(created_at="0001-01-01T00:00:00+00:00"), "invalid created_at"),
        (record(created_at="9999-12-31T23:59:59+00:00"), "invalid created_at"),
        (record(created_at="1999-12-31T23:00:00+00:00"), "invalid created_at"),
        (record(created_at="2031-05-22T12:00:00+00:00"), "invalid created_at"),
        # A lone surrogate, escaped as JSON allows, in the text, the id or a key.
        (b'{"id": "vk:1", "text": "\\ud800"}', "invalid string"),
        (b'{"id": "vk:\\ud800", "text": "x"}', "invalid string"),
        (b'{"id": "vk:1", "text": "x", "\\udfff": 1}', "invalid string"),
        (DEEP, "not JSON"),
        (b'{"id": "vk:1", "text": "x", "extra": ' + b"[" * 40 + b"]" * 40 + b"}", "not JSON"),
        (b'{"id": "vk:1", "text": "x", "n": ' + b"9" * 5000 + b"}", "not JSON"),
        (b'{"id": "vk:1", "text": "x", "n": 1e400}', "not JSON"),
        (b'{"id": "vk:1", "text": "x", "n": NaN}', "not JSON"),
        (record(reactions={"likes": -1}), "invalid reactions.likes"),
        (record(author={"is_official": "может быть"}), "invalid author.is_official"),
        (record(status="stolen"), "invalid status"),
    ],
)
def test_bad_records_are_refused_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(BadMessage) as err:
        parse_message(raw, now=NOW)
    assert err.value.reason.startswith(reason), err.value.reason


def test_only_wire_fields_are_taken_and_unknown_ones_kept_under_extra() -> None:
    raw = record(
        source="vk",
        kind="comment",
        parent_id="vk:-1_1",
        created_at="2031-05-20T10:00:00+05:00",
        geo={"lat": 56.84},
        department="nobody",
        nlp={"category": "roads"},
        ingested_at="вчера",
        overdue=True,
        status="edited",
    )
    message = parse_message(raw, now=NOW)
    assert message["extra"] == {"geo": {"lat": 56.84}}
    for derived in ("department", "nlp", "ingested_at", "overdue", "status"):
        assert derived not in message
    assert message["message_status"] == "edited"
    assert message["thread_id"] == "vk:-1_1"
    assert message["created_at"] == "2031-05-20T10:00:00+05:00"
    assert message["author"]["is_official"] is False


def test_numbers_as_ids_become_strings() -> None:
    message = parse_message(record(id=123, author={"id": 456}), now=NOW)
    assert message["id"] == "123" and message["author"]["id"] == "456"


def test_a_clock_a_little_behind_the_source_is_tolerated() -> None:
    ahead = (NOW + timedelta(hours=3)).isoformat()
    created = parse_message(record(created_at=ahead), now=NOW)["created_at"]
    assert datetime.fromisoformat(created) == NOW + timedelta(hours=3)


@pytest.mark.parametrize("size", [10, 300_000])
def test_text_over_the_limit_is_cut_and_flagged(size: int) -> None:
    text = "ж" * size  # two bytes each
    message = parse_message(record(text=text), now=NOW, limits=Limits(max_text_bytes=1001))
    if size * 2 <= 1001:
        assert message["text"] == text and "truncated" not in message
    else:
        assert message["truncated"] is True
        assert message["text_bytes"] == size * 2
        assert message["text"] == "ж" * 500


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"[1,2]", "not a JSON object"),
        (b'"x"', "not a JSON object"),
        (b'{"item_id": "vk:1", "status": "answered", "at": "\xd0\xb2\xd1\x87"}', "invalid at"),
        (b'{"item_id": "vk:1", "status": "answered", "at": "2031-05-20T10:00:00"}', "invalid at"),
        (b'{"item_id": "vk:1", "status": "done"}', "invalid status"),
        (b'{"status": "answered"}', "invalid message"),
    ],
)
def test_bad_responses_are_refused(raw: bytes, reason: str) -> None:
    with pytest.raises(BadMessage) as err:
        parse_response(raw)
    assert err.value.reason.startswith(reason), err.value.reason


def test_a_response_is_read() -> None:
    raw = b'{"item_id": "pos:1", "status": "answered", "at": "2031-05-20T10:00:00+05:00"}'
    assert parse_response(raw) == {
        "item_id": "pos:1",
        "status": "answered",
        "at": "2031-05-20T10:00:00+05:00",
    }


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b'{"id": "a", "thread_id": "t", "text": "x"}', b"t"),
        (b'{"id": "a", "parent_id": "p", "text": "x"}', b"p"),
        (b'{"id": "a", "text": "x"}', b"a"),
        (b'{"id": 7, "text": "x"}', b"7"),
        (b"not json", None),
        (b"[1]", None),
        (DEEP, None),
        (b'{"id": "\\ud800", "text": "x"}', None),
    ],
)
def test_partition_key_is_the_thread(raw: bytes, key: bytes | None) -> None:
    assert thread_key(raw) == key
