"""PER normal forms: women's surnames, split spans, titles and common words."""

import pytest

PERSONS = [
    ("Прошу заменить трубу в подвале. Белоусова Т.К.", {"Белоусова Т.К."}),
    ("Жалоба на Белоусова Т.К. до сих пор не рассмотрена", {"Белоусов Т.К."}),
    ("Благодарим медсестру Зыряновой Ольге Сергеевне за заботу", {"Зырянова О.С."}),
    ("Пожалуйста, передайте мастеру Ширяевой В.Н. спасибо", {"Ширяева В.Н."}),
    ("Покупаем мясо у фермера Лаптева, всё свежее", {"Лаптев"}),
    ("Пасечник Лаптев продаёт мёд на рынке", {"Лаптев"}),
    ("Горку во дворе так и не залили", set()),
    ("Купили продукты в магазине Пятёрочка у вокзала", set()),
]


@pytest.mark.parametrize(("text", "normals"), PERSONS)
def test_person_normal_forms(tag, text: str, normals: set[str]) -> None:
    found = {e["normal"] for e in tag(text)["entities"] if e["type"] == "PER"}
    assert found == normals
