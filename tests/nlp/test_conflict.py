import pytest

# Known misses of the learned conflict heads, named in issue 9's note and not asserted here:
# «Пахнет сыростью на весь подъезд, кто знает, куда звонить?» (read as a conflict),
# «Предлагаю всей улицей скинуться на фонарь у колонки» (a plan to chip in read as a protest),
# «Глава докладывал, что всё проверено, а гидрант засыпан. Проверяли по бумажкам?» (no
# accusation found), «Предлагаю в понедельник всем подъездом прийти в мэрию и сидеть, пока не
# примут» (a sit-in in words no lexicon lists, missed).

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
    ("Начальник ЖКХ явно в доле с подрядчиком, иначе бы давно его сменили", ["accusation"]),
    ("Ещё раз перекопаете мне въезд ночью — разобью вашу технику", ["aggression"]),
    # The lexicons name a repeated complaint the head is unsure of: kept; a problem that repeats
    # is not a repeated complaint.
    ("Вы там совсем обнаглели?! Третий раз пишу про разбитую хоккейную коробку!", ["repeated"]),
    ("Вчера опять пропал свет на всей Октябрьской, третий раз за месяц. Кто знает причину?", []),
    ("Дом сгорел дотла! Кто отвечает за гидранты?! Где ваши проверки?!", ["outrage"]),
    ("Прошу разъяснить, какие документы нужно представить повторно", []),
    ("ЕДДС сообщает: уровень воды поднялся. Телефон ЕДДС — 112.", []),
    ("Электрички до Ебурга в 6:12 больше нет? Кто в теме", []),
    # Everyday senses of «закопать», «разнести» are no threat.
    ("Трубу на Механизаторов за ночь раскопали, заменили и закопали, спасибо!", []),
    ("Мусор со свалки ветром разнесло по всему полю", []),
    # A formal repeated request, and a threat and a call to gather in words no lexicon phrase has
    # (nlp/threats.py and nlp/gathering.py read them from the verb).
    ("Повторно прошу сообщить сроки ремонта крыльца у дома 7 по улице Мира", ["repeated"]),
    ("Обращаюсь к вам уже второй раз по поводу освещения на Северной", ["repeated"]),
    ("Повторно сообщаю, что автобус № 4 не выходит на рейс в 6:40", ["repeated"]),
    ("Третий год прошу засыпать яму у колонки на Полевой", ["repeated"]),
    ("Колёса проколю тому, кто собак у школы травит", ["aggression"]),
    ("Встанем на дорогу в субботу всей деревней, раз не понимают", ["collective_action"]),
    # Going out in protest is said in the first person plural or of others; a wheelchair user
    # who cannot go out calls nobody.
    ("Пандуса нет, самостоятельно выйти на улицу я не могу уже два года. Прошу установить.", []),
    ("Если свет не дадут к вечеру, выйдем на улицу всем посёлком", ["collective_action"]),
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


# Intent in words no lexicon lists, and the look of anger without a grievance.
INTENTS = [
    ("Завтра с утра встанем поперёк трассы, пусть лесовозы постоят", True),
    ("Подаю иск к водоканалу, пусть суд разбирается с их тарифами", True),
    ("Отправила жалобу губернатору и копию на областное телевидение", True),
    ("ОТКРОЙТЕ, ПОЖАЛУЙСТА, ЗАПИСЬ В БАССЕЙН НА ЛЕТО", False),
    ("БЛАГОДАРИМ ДОРОЖНИКОВ ЗА НОВЫЙ ТРОТУАР!!! ОЧЕНЬ ЖДАЛИ!!!", False),
    ("Суд по делу о пожаре в торговом центре перенесён на март", False),
    ("Давайте все напишем в прокуратуру, пусть проверят подрядчика", True),
    # «написано» is a form of «написать»: no call to write.
    ("Прочитала новую книгу про наш край, там про всё написано, очень интересно", False),
]


@pytest.mark.parametrize(("text", "conflict"), INTENTS)
def test_conflict_reads_intent(tag, text: str, conflict: bool) -> None:
    assert tag(text)["conflict"] is conflict


@pytest.mark.parametrize("street", ["Ленина", "Куйбышева", "Фрунзе", "Луначарского"])
def test_a_repeated_complaint_is_a_complaint_whatever_the_street(tag, street: str) -> None:
    nlp = tag(
        f"Сколько можно терпеть, который раз пишем про яму на улице {street}, вы издеваетесь?!"
    )
    assert "repeated" in nlp["conflict_reasons"]
    assert nlp["is_complaint"] is True


@pytest.mark.parametrize("marker", ["", " [18aa5a]", " [4be3eb]", " [dc52f5]"])
def test_a_threat_is_never_read_as_a_thank_you(tag, marker: str) -> None:
    # The sentiment head once read «…если не дадите тепло!!!» as positive, which dropped the
    # threat; which, depended on a marker the e2e tests append.
    nlp = tag(
        f"Я приду и подожгу вашу управляющую компанию, если не дадите тепло!!!{marker}", "post"
    )
    assert "aggression" in nlp["conflict_reasons"]
    assert nlp["sentiment"] == "negative"


# An appeal upwards is the writer's: news that the authority itself acted or spoke is none.
UPWARDS = [
    ("Губернатор выступил с обращением к жителям области.", False),
    ("Об этом сообщил прокурор района Иван Петров.", False),
    ("Губернатор обратился к жителям с просьбой соблюдать меры.", False),
    ("Губернатор получил нашу жалобу и промолчал.", True),
    ("Пусть прокурор разберётся с этой управляйкой.", True),
    ("Мы уже писали в прокуратуру, никакого ответа.", True),
    ("Напишем губернатору, раз глава не может!", True),
]


@pytest.mark.parametrize(("text", "appeal"), UPWARDS)
def test_an_appeal_upwards_is_the_writers_own(tagger, text: str, appeal: bool) -> None:
    from nlp.tagger import TextItem

    [(ruled, _, _, _)] = tagger.head_inputs([TextItem(text, "post")])
    assert ("collective_action" in ruled.conflict_reasons) is appeal


# Short news of what an official did, as a post or a comment: the conflict head, with the navec
# columns held back (dense l2 1e-2) and data/train/authority.jsonl to learn from, once took each of
# these for aggression or a call to the authorities (see data/eval/newsposts-README.md). Known
# misses, not asserted: «Губернатор выступил с обращением к жителям области.» and «Прокуратура
# провела проверку по жалобе жителей.» still read as a call to the authorities (the rules no longer
# say so: test_an_appeal_upwards_is_the_writers_own).
NEWS = [
    "Президент подписал указ.",
    "Директор выступил на совещании.",
    "Мэр выступил на совещании.",
    "Путин сегодня выступал.",
    "Губернатор приехал в город.",
    "Суд оштрафовал подрядчика за срыв сроков.",
]


@pytest.mark.parametrize("kind", ["post", "comment"])
@pytest.mark.parametrize("text", NEWS)
def test_news_of_an_official_is_no_conflict(tag, text: str, kind: str) -> None:
    nlp = tag(text, kind)
    assert nlp["conflict"] is False, nlp["conflict_reasons"]


# Texts of a few words: the head alone reads no reason from them (nlp/tagger.py:
# MIN_HEAD_WORDS); what the lexicons and readers find in them stays.
SHORT = [
    ("ну посмотрим", []),
    ("Слава богу, нашёлся!", []),
    ("Это же беспредел!!!", ["outrage"]),
    ("Пишу уже в десятый раз!!!", ["repeated"]),
    ("Пойдём всем подъездом в прокуратуру.", ["collective_action"]),
]


@pytest.mark.parametrize(("text", "reasons"), SHORT)
def test_a_short_text_needs_more_than_the_head(tag, text: str, reasons: list[str]) -> None:
    nlp = tag(text, "comment")
    assert set(reasons) <= set(nlp["conflict_reasons"])
    assert nlp["conflict"] is bool(reasons), nlp["conflict_reasons"]
