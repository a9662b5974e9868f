import pytest

CASES = [
    ("Дворы не чистят", ["двор", "не", "чистить"]),
    ("Отремонтируйте дороги!", ["отремонтировать", "дорога"]),
    ("Жители жалуются на соседей", ["житель", "жаловаться", "на", "сосед"]),
    ("Ёлку поставили", ["елка", "поставить"]),
]


@pytest.mark.parametrize(("text", "lemmas"), CASES)
def test_lemmas(tag, text: str, lemmas: list[str]) -> None:
    assert tag(text)["lemmas"] == lemmas


def test_batch_equals_single(tagger) -> None:
    from nlp.tagger import TextItem

    items = [TextItem(text) for text, _ in CASES] + [TextItem("", "post")]
    batched = [tagging.to_dict() for tagging in tagger.tag_many(items)]
    assert batched == [tagger.tag(item).to_dict() for item in items]
    assert batched[-1]["lemmas"] == []
    assert batched[-1]["category"] == "other"
