import pytest

CASES = [
    ("Опять дорогу не почистили, бл*ть, сколько можно", True),
    ("Чиновники — воры и бездельники, ни на что не способны", True),
    ("Эти уроды опять сломали остановку", True),
    ("Что за х**ня с водой, третий день ржавая", True),
    ("Найду того, кто поджёг контейнеры, — ноги переломаю", True),
    ("Прошу отремонтировать крыльцо поликлиники, ступеньки разрушены", False),
    ("Спасибо за новую детскую площадку", False),
    ("Себе оставьте эти обещания, мы устали ждать", False),
]


@pytest.mark.parametrize(("text", "toxic"), CASES)
def test_toxic(tag, text: str, toxic: bool) -> None:
    nlp = tag(text)
    assert nlp["toxic"] is toxic
    assert (nlp["toxicity"] >= 0.5) is toxic
    assert 0.0 <= nlp["toxicity"] <= 1.0
