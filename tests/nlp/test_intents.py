import pytest

CASES = [
    ("Когда наконец уберут снег с тротуаров на Кирова?", True, True),
    ("Подскажите, где можно сдать старую технику", False, True),
    ("Прошу отремонтировать крышу, третий месяц течёт в квартиру", True, False),
    # A proposal is not a complaint (GUIDE.md, holdout writers).
    ("Прошу рассмотреть возможность установить пешеходный переход у школы", False, False),
    ("Во дворе разбили все фонари, ходим в темноте", True, False),
    ("Можно ли записаться в кружок рисования с пяти лет", False, True),
    ("Спасибо за быструю помощь, всё починили", False, False),
    ("Сколько можно терпеть эту грязь на остановке!", True, False),
    ("Третий день нет горячей воды, вы там совсем уснули??", True, True),
    ("Прошу предоставить информацию о часах работы МФЦ в праздники", False, True),
]


@pytest.mark.parametrize(("text", "complaint", "question"), CASES)
def test_complaint_and_question(tag, text: str, complaint: bool, question: bool) -> None:
    nlp = tag(text)
    assert nlp["is_complaint"] is complaint
    assert nlp["is_question"] is question


def test_replies_neither_complain_nor_ask(tag) -> None:
    nlp = tag("Почему вы не прочитали объявление? Вода будет завтра.", "reply")
    assert nlp["is_complaint"] is False
    assert nlp["is_question"] is False
