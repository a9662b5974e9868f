import pytest

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
]


@pytest.mark.parametrize(("text", "kind", "sentiment"), CASES)
def test_sentiment(tag, text: str, kind: str, sentiment: str) -> None:
    assert tag(text, kind)["sentiment"] == sentiment
