"""`mcu tag`'s contract on lines it cannot tag: an `error` line each, in order, never a stop."""

import json

import pytest

from nlp.jsonl import tag_lines

GOOD = '{"id": "vk:ok", "kind": "comment", "text": "На Кирова опять яма"}'
BAD = [
    ('{"id": "deep", "text": "яма", "x": ' + "[" * 10_000 + "]" * 10_000 + "}", None),
    ("[" * 10_000 + "]" * 10_000, None),
    ('{"id": "s1", "text": "яма \\ud800 на дороге"}', "s1"),
    ('{"id": "\\ud800", "text": "яма на дороге"}', None),
    ('{"id": "big", "text": "яма", "n": ' + "1" * 5000 + "}", None),
    ('{"id": "nan", "text": "яма", "n": NaN}', "nan"),
    ('{"id": "inf", "text": "яма", "n": 1e999}', "inf"),
    ("42", None),
    ('"просто строка"', None),
    ("null", None),
    ("[1, 2]", None),
    ('{"id": "no-text"}', "no-text"),
    ('{"id": "blank", "text": "   "}', "blank"),
    ('{"id": "num", "text": 5}', "num"),
    ("{не json", None),
]


@pytest.mark.parametrize(("line", "message_id"), BAD)
def test_bad_line_comes_back_with_error(tagger, line: str, message_id: str | None) -> None:
    out = list(tag_lines([GOOD, line, GOOD], tagger))
    assert len(out) == 3
    first, bad, last = (json.loads(one) for one in out)
    assert first["nlp"]["category"] == "roads" and last["nlp"]["category"] == "roads"
    assert "error" in bad and "nlp" not in bad
    assert bad.get("id") == message_id
    for one in out:
        one.encode("utf-8")


@pytest.mark.parametrize(("line", "message_id"), BAD)
def test_bad_bytes_line(tagger, line: str, message_id: str | None) -> None:
    (out,) = tag_lines([line.encode("utf-8") + b"\n"], tagger)
    assert "error" in json.loads(out)


def test_invalid_utf8_bytes_are_read_with_replacement(tagger) -> None:
    (out,) = tag_lines([b'{"id": "b", "text": "\xff\xfe \xd1\x8f\xd0\xbc\xd0\xb0"}\n'], tagger)
    assert json.loads(out)["nlp"]["lemmas"]
