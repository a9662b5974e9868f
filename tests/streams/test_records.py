"""The edge of the pipeline: which raw records become messages and why others don't."""

from __future__ import annotations

import pytest

from streams.records import BadMessage, parse_message, thread_key


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"id": "vk:1", "text": "\xd0', "not UTF-8"),
        ("Нет воды".encode("cp1251"), "not UTF-8"),
        (b'{"id": "vk:1", "text": ', "not JSON"),
        (b'["vk:1", "text"]', "not a JSON object"),
        (b'{"id": "vk:1"}', "no text"),
        (b'{"id": "vk:1", "text": "   "}', "invalid text"),
        ('{"id": "", "text": "Яма"}'.encode(), "invalid id"),
        ('{"id": "vk:1", "text": "Яма", "kind": "tweet"}'.encode(), "invalid kind"),
        (
            '{"id": "vk:1", "text": "Яма", "created_at": "2026-11-20T10:00:00"}'.encode(),
            "invalid created_at",
        ),
    ],
)
def test_bad_records_are_refused_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(BadMessage) as err:
        parse_message(raw)
    assert err.value.reason.startswith(reason)


def test_message_keeps_unknown_fields_and_gets_a_thread() -> None:
    raw = (
        '{"id": "vk:-1_2", "source": "vk", "kind": "comment", "parent_id": "vk:-1_1",'
        ' "text": "Когда починят фонарь на улице Ленина?",'
        ' "created_at": "2026-11-20T10:00:00+05:00",'
        ' "geo": {"lat": 56.84}}'
    ).encode()
    message = parse_message(raw)
    assert message["geo"] == {"lat": 56.84}
    assert message["thread_id"] == "vk:-1_1"
    assert message["created_at"] == "2026-11-20T10:00:00+05:00"
    assert message["author"]["is_official"] is False


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b'{"id": "a", "thread_id": "t", "text": "x"}', b"t"),
        (b'{"id": "a", "parent_id": "p", "text": "x"}', b"p"),
        (b'{"id": "a", "text": "x"}', b"a"),
        (b"not json", None),
        (b"[1]", None),
    ],
)
def test_partition_key_is_the_thread(raw: bytes, key: bytes | None) -> None:
    assert thread_key(raw) == key
