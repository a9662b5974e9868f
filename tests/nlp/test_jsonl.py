import json

from nlp.jsonl import tag_lines

LINES = [
    '{"id": "vk:1", "kind": "comment", "text": "На Кирова опять яма", "author": {"id": "7"}}',
    "это не JSON",
    '{"id": "vk:2", "kind": "post"}',
    "[1, 2]",
    '{"id": "vk:3", "kind": "reply", "text": "Ваше обращение направлено в профильное ведомство."}',
    '{"id": "vk:4", "text": "Подскажите расписание автобусов", "kind": "непонятно"}',
]


def test_one_line_out_per_line_in_order(tagger) -> None:
    out = [json.loads(line) for line in tag_lines(LINES, tagger, batch_size=2)]
    assert len(out) == len(LINES)
    assert out[0]["id"] == "vk:1" and out[0]["author"] == {"id": "7"}
    assert out[0]["nlp"]["category"] == "roads"
    assert "error" in out[1] and out[1]["raw"] == "это не JSON"
    assert out[2]["id"] == "vk:2" and "error" in out[2] and "nlp" not in out[2]
    assert "error" in out[3]
    assert out[4]["nlp"]["formal_reply"] is True
    assert out[5]["nlp"]["formal_reply"] is None and out[5]["nlp"]["is_question"] is True


def test_bytes_lines(tagger) -> None:
    line = '{"id": "a", "text": "Спасибо за каток!"}\n'.encode()
    (out,) = [json.loads(line) for line in tag_lines([line], tagger)]
    assert out["nlp"]["sentiment"] == "positive"
