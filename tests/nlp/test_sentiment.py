import pytest

from nlp.sentiment import frowns

CASES = [
    ("Огромное спасибо дорожникам, дорогу на Кирова сделали отлично!", "comment", "positive"),
    ("Врачи детского отделения молодцы, очень внимательные", "comment", "positive"),
    ("Спасибо, что опять оставили нас без воды на праздники", "comment", "negative"),
    (
        "Третий день нет отопления, дети болеют, управляющая компания не отвечает",
        "comment",
        "negative",
    ),
    ("Подскажите, до скольки сегодня работает МФЦ?", "comment", "neutral"),
    ("В субботу в парке пройдёт ярмарка, начало в 11 часов", "post", "neutral"),
    ("Ваше обращение передано в управляющую компанию.", "reply", "neutral"),
    ("Нечего жаловаться, читать научитесь объявления.", "reply", "negative"),
    ("Ужасная ситуация с мусором, всё завалено, кошмар", "comment", "negative"),
    # A complaint is negative in a formal appeal too (GUIDE.md).
    (
        "Прошу принять меры: в подъезде дома по ул. Ленина, 5 третью неделю не горит свет.",
        "appeal",
        "negative",
    ),
    ("Прошу рассмотреть возможность открыть кружок шахмат в ДК.", "appeal", "neutral"),
    # Sarcastic thanks stay negative whatever the learned head says.
    ("Спасибо, администрация, за ещё одну неделю без горячей воды", "comment", "negative"),
    ("Новая горка во дворе просто шедевр: ржавая и без перил", "comment", "negative"),
    # «Без очередей» after a thank-you is praise, not «спасибо … без света».
    (
        "Спасибо социальной защите! Выплату оформили быстро, без очередей. Приятно удивлены!!!",
        "comment",
        "positive",
    ),
    # A conflict is negative even when the learned head alone would call it neutral.
    (
        "Позор! Детская площадка на улице Гагарина, 345 разломана, дети травмируются!",
        "post",
        "negative",
    ),
    # Everyday posts: evaluative words the municipal lexicon lacked (sentiment.yaml).
    ("Сходили на концерт, потрясающий вечер, музыканты просто волшебные", "post", "positive"),
    ("Грустно, что любимое кафе закрылось, теперь и посидеть негде", "post", "negative"),
    ("Какая прекрасная книга, читала не отрываясь", "post", "positive"),
]


@pytest.mark.parametrize(("text", "kind", "sentiment"), CASES)
def test_sentiment(tag, text: str, kind: str, sentiment: str) -> None:
    assert tag(text, kind)["sentiment"] == sentiment


@pytest.mark.parametrize(
    "text",
    [
        "Позор! Детская площадка разломана, дети травмируются!",
        "Чиновники опять всё украли, а дороги как были в ямах, так и остались!!!",
        "Соберёмся всем двором и пойдём к прокурору, раз администрация молчит.",
    ],
)
def test_a_conflict_is_never_neutral(tag, text: str) -> None:
    nlp = tag(text, "comment")
    assert nlp["conflict"] is True
    assert nlp["sentiment"] == "negative"


# The writer's frown makes a reading with nothing bad in its words negative; a smile proves
# nothing («спасибо, очень вкусно)))» is sarcasm as often as joy), brackets of a remark are none.
FROWNS = [
    ("вся в слезах(", True),
    ("ну вот опять понедельник :(", True),
    ("снег в мае, рассада вся померзла (((", True),
    ("Ждём :-(", True),
    ("(см. ниже)", False),
    ("ул. Ленина (у рынка", False),
    ("Всем привет)))", False),
    ("список: (1) ремонт, (2) уборка", False),
]


@pytest.mark.parametrize(("text", "frown"), FROWNS)
def test_a_frown_is_read(text: str, frown: bool) -> None:
    assert frowns(text) is frown


@pytest.mark.parametrize(
    "text",
    [
        "пёс потерялся в районе рынка, рыжий с белым пятном, помогите пожалуйста((",
        "ну и погодка... снег в мае, рассада вся померзла (((",
    ],
)
def test_a_frowning_post_is_negative(tag, text: str) -> None:
    assert tag(text, "post")["sentiment"] == "negative"
    # Without the frown the same words read neutral: the frown decided.
    assert tag(text.rstrip(" ("), "post")["sentiment"] == "neutral"
