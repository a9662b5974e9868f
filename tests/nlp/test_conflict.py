import pytest

CASES = [
    ("Если к пятнице не дадут воду, придём к администрации и разберёмся лично", ["aggression"]),
    ("ДОКОЛЕ это будет продолжаться?! Беспредел!!!", ["outrage"]),
    ("Чиновники опять всё украли, дорогу сделали только на бумаге", ["accusation"]),
    ("Пишу уже третий раз про сломанный фонарь у подъезда", ["repeated"]),
    ("Соседи, давайте соберём подписи и напишем губернатору про свалку", ["collective_action"]),
    ("Если ничего не изменится, обратимся в прокуратуру", ["collective_action"]),
    ("Подскажите, когда откроется каток", []),
    ("Спасибо за новые лавочки во дворе!!!", []),
    ("Прошу отремонтировать лестницу в подъезде", []),
    ("Повторно обращаюсь по поводу ямы у дома 5 по улице Кирова", ["repeated"]),
    ("Налоги подняли, а дорог нет. Куда наши деньги уходят?", ["accusation"]),
    ("Подряд на ремонт бани опять получил чей-то родственник, все всё понимают", ["accusation"]),
    ("Мусор копится у реки годами, а администрация делает вид, что ничего нет", ["accusation"]),
    ("Таких начальников к стенке ставить надо", ["aggression"]),
    ("Участок у коллективного сада №2 зарос травой, подскажите, чей он", []),
    ("Пахнет сыростью на весь подъезд, кто знает, куда звонить?", []),
]


@pytest.mark.parametrize(("text", "reasons"), CASES)
def test_conflict_reasons(tag, text: str, reasons: list[str]) -> None:
    nlp = tag(text)
    for reason in reasons:
        assert reason in nlp["conflict_reasons"]
    assert nlp["conflict"] is bool(reasons)
    if not reasons:
        assert nlp["conflict_reasons"] == []


def test_rude_reply_is_a_conflict(tag) -> None:
    nlp = tag("Не ваше дело, когда починят. Ждите.", "reply")
    assert nlp["conflict_reasons"] == ["rude_reply"]
    assert nlp["conflict"] is True
