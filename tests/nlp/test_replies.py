import pytest

CASES = [
    ("Ваше обращение направлено в профильное ведомство.", True, False),
    ("Вопрос находится на контроле администрации.", True, False),
    ("Обращение будет рассмотрено в установленном порядке.", True, False),
    ("Благодарим за обращение, информация принята к сведению.", True, False),
    ("Бригада водоканала заменит трубу на ул. Кирова, 5 до 12 ноября.", False, False),
    ("Ремонт кровли включён в план на 2025 год, подрядчик приступит в мае.", False, False),
    ("Отказ связан с тем, что дом не включён в региональную программу капремонта.", False, False),
    ("Нечего писать сюда каждый день, читать научитесь.", True, True),
    ("Контейнер исправен. Мусор падает, потому что жильцы не умеют закрывать крышку.", True, True),
    ("Вам неоднократно отвечали, переписка с Вами по этому вопросу прекращается.", True, True),
    ("Если Вы не умеете парковаться, рекомендуем повторить правила.", True, True),
    ("Тротуар на улице Гагарина отремонтируют в июне.", False, False),
    ("Пришлите номер дома, инженер свяжется с вами в течение рабочего дня.", False, False),
    ("Справку выдают за 3 рабочих дня, подать заявление можно через МФЦ.", False, False),
    ("По вопросу освещения проводится проверка, о результатах сообщим дополнительно.", True, False),
    ("Ответ вам уже дан, перечитайте письмо, а не пишите снова.", True, True),
]


@pytest.mark.parametrize(("text", "formal", "rude"), CASES)
def test_formal_and_rude_reply(tag, text: str, formal: bool, rude: bool) -> None:
    nlp = tag(text, "reply")
    assert nlp["formal_reply"] is formal
    assert nlp["rude_reply"] is rude


@pytest.mark.parametrize("kind", ["post", "comment", "appeal"])
def test_reply_fields_are_null_for_citizens(tag, kind: str) -> None:
    nlp = tag("Ваше обращение направлено в профильное ведомство.", kind)
    assert nlp["formal_reply"] is None
    assert nlp["rude_reply"] is None
