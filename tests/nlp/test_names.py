"""What a message says does not depend on whose name or which street it is about."""

import pytest

TEMPLATES = [
    "Который месяц не вывозят мусор на улице {}, сколько можно?!",
    "Который месяц не вывозят мусор на улице {}, сколько можно?! [ab12cd]",
    "Сколько можно терпеть, который раз пишем про яму на улице {}, вы издеваетесь?! [ab12cd]",
    "Спасибо за новую детскую площадку на улице {}!",
    "Подскажите, когда откроют поликлинику на улице {}?",
]
STREETS = ["Ленина", "Куйбышева", "Фрунзе", "Луначарского", "Механизаторов"]
KEYS = ("sentiment", "is_complaint", "is_question", "conflict", "toxic")


@pytest.mark.parametrize("kind", ["post", "comment"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_the_street_name_does_not_change_the_reading(tag, template: str, kind: str) -> None:
    readings = {street: tag(template.format(street), kind) for street in STREETS}
    first = readings[STREETS[0]]
    assert first["addresses"], template
    for street, nlp in readings.items():
        assert {k: nlp[k] for k in KEYS} == {k: first[k] for k in KEYS}, street


def test_names_are_cut_from_what_the_heads_read(tag) -> None:
    from nlp.analysis import Analysis, Span, Token, without_names

    text = "Яма на улице Фрунзе"
    words = [(0, 3, "яма"), (4, 6, "на"), (7, 12, "улица"), (13, 19, "фрунзе")]
    tokens = tuple(Token(a, b, text[a:b], "NOUN", (), lemma, 0) for a, b, lemma in words)
    analysis = Analysis(text, tokens, (Span(13, 19, "LOC", 3, 3),))
    assert without_names(analysis) == ("Яма на улице", ["яма", "на", "улица"])


MARKED = [
    "Я приду и подожгу вашу управляющую компанию, если не дадите тепло!!!",
    "Вы там совсем обнаглели?! Третий раз пишу про разбитую хоккейную коробку у стадиона!",
    "Вы там совсем обнаглели?! Приду и устрою вам, третий день без воды!",
]
# Markers that once flipped a reading (e2e tests append one to find their alerts), and a phone.
MARKERS = ["", " [45215d]", " [18aa5a]", " [4be3eb]", " [dc52f5]", " 89123456789"]


@pytest.mark.parametrize("text", MARKED)
def test_an_id_or_a_marker_does_not_change_the_reading(tag, text: str) -> None:
    readings = [tag(text + marker, "post") for marker in MARKERS]
    keys = (*KEYS, "conflict_reasons", "category")
    for marker, nlp in zip(MARKERS, readings, strict=True):
        assert {k: nlp[k] for k in keys} == {k: readings[0][k] for k in keys}, marker
