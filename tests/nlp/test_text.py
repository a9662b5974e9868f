"""Portal HTML is read as plain text; a text over the cap is read in part and flagged."""

import pytest

from nlp.tagger import Tagger, TextItem
from nlp.text import cap, prepare, strip_markup

MARKUP = [
    ("<p>Прошу&nbsp;отремонтировать дорогу</p>", "Прошу отремонтировать дорогу"),
    ("<div>Улица&nbsp;Ленина,<br/>дом&nbsp;5</div>", "Улица Ленина,\nдом 5"),
    (
        '<p style="margin:0">Яма&nbsp;&laquo;глубокая&raquo;</p><p>Жду ответа</p>',
        "Яма «глубокая»\nЖду ответа",
    ),
    ("<script>var x = 1;</script><p>Нет воды</p>", "Нет воды"),
    ("Цена &lt; 100 руб. &amp; выше", "Цена < 100 руб. & выше"),
    ("<!-- комментарий --><b>Свет</b> не горит", "Свет не горит"),
]
PLAIN = [
    "Температура < 16 градусов, а норма > 18",
    "Люблю наш город <3",
    "Просто текст без разметки",
]


@pytest.mark.parametrize(("html", "plain"), MARKUP)
def test_markup_is_stripped(html: str, plain: str) -> None:
    assert strip_markup(html) == plain
    prepared = prepare(html, 20_000)
    assert prepared.markup and prepared.text == plain and not prepared.truncated


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_left_alone(text: str) -> None:
    prepared = prepare(text, 20_000)
    assert prepared.text == text and not prepared.markup


def test_cap_cuts_at_a_space() -> None:
    text, cut = cap("дом 5 " * 100, 50)
    assert cut and len(text) <= 50 and text.endswith("5")
    assert cap("короткий", 50) == ("короткий", False)
    assert cap("длинный" * 10, 0) == ("длинный" * 10, False)


def test_tagger_reads_html_appeal_and_keeps_flags(tagger: Tagger) -> None:
    appeal = (
        "<p>Уважаемая администрация!</p><p>Во&nbsp;дворе дома по&nbsp;ул.&nbsp;Кирова, 7 "
        "не&nbsp;горят фонари уже месяц.</p><p>Прошу принять меры.</p>"
    )
    nlp = tagger.tag(TextItem(appeal, "appeal")).to_dict()
    assert nlp["markup"] is True and nlp["truncated"] is False
    assert "nbsp" not in nlp["lemmas"] and "p" not in nlp["lemmas"]
    assert nlp["category"] == "improvement"


def test_long_text_is_capped(tagger: Tagger) -> None:
    small = Tagger(tagger.config, max_chars=300, model=tagger.model)
    tagging = small.tag(TextItem("На улице Кирова яма. " * 200))
    assert tagging.truncated and tagging.category == "roads"
    assert len(tagging.lemmas) < 100


def test_to_dict_is_asdict_without_shared_lists(tagger: Tagger) -> None:
    from dataclasses import asdict

    text = "Уважаемая Ольга Ивановна, на улице Ленина, 5 нет воды! Куда смотрит МУП «Водоканал»?"
    tagging = tagger.tag(TextItem(text))
    as_dict = tagging.to_dict()
    assert as_dict == asdict(tagging)
    assert as_dict["entities"], "the sample must carry entities for the copy check"
    as_dict["entities"][0]["text"] = "изменено"
    as_dict["lemmas"].append("изменено")
    assert tagging.to_dict() == asdict(tagging)
