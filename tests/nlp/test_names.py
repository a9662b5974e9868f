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
