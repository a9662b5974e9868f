"""Spellings that hide a word from a filter read as the word; ordinary text stays as it is."""

import numpy as np
import pytest

from nlp.config import load_config
from nlp.hashing import DIM, features
from nlp.scan import Scan
from nlp.spelling import masked, may_hide, normalise, unmask_words
from nlp.toxicity import ToxicityScorer

RESPELT = [
    ("Ты xyйло", "ты хуйло"),
    ("б.л.я, опять", "бля, опять"),
    ("с у к а", "сука"),
    ("бл.ядь", "блядь"),
    ("п@дла", "падла"),
    ("3аебали уже", "заебали уже"),
    ("Тупой б0т", "тупой бот"),
    ("ПИЗ-ДЕЦ", "пиздец"),
    ("х.у.й", "хуй"),
    ("е6aть", "ебать"),
    ("х#й", "х*й"),
    ("ужжжжас", "ужжас"),
    ("грамоте обучены, бл9ть?", "грамоте обучены, блять?"),
    ("это 3.14здец", "это пиздец"),
]
KEPT = [
    "а я у него спросил",
    "дом 15, кв 3",
    "мтс молодцы",
    "ok, спасибо",
    "автобус 2 в 7:10",
]


@pytest.mark.parametrize(("text", "plain"), RESPELT)
def test_tricks_are_undone(text: str, plain: str) -> None:
    assert normalise(text) == plain


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_kept(text: str) -> None:
    assert normalise(text) == text


def test_features_are_stable_and_normalised() -> None:
    rows = features(["Ты xyйло", "ты хуйло", ""], [["ты", "хуйло"], ["ты", "хуйло"], []])
    assert len(rows) == 3
    first = rows.indices[rows.starts[0] : rows.starts[1]]
    second = rows.indices[rows.starts[1] : rows.starts[2]]
    assert np.array_equal(first, second)
    assert rows.indices.max() < DIM
    values = rows.values[rows.starts[0] : rows.starts[1]]
    # Bucket 0 (always there, weight 0), then the char and the word group, each of unit length.
    assert values[0] == 0.0
    assert np.isclose(float((values[1:] ** 2).sum()), 2.0, atol=1e-4)
    assert rows.starts[3] - rows.starts[2] == 1


UNMASKED = [
    ("админы е6аные, вы", "админы ебаные, вы"),
    ("Е6АНЫЕ админы", "ЕБАНЫЕ админы"),
    ("УК Уют — cyки и воры", "УК Уют — суки и воры"),
    ("XYЙНЯ а не ремонт", "ХУЙНЯ а не ремонт"),
    ("Тупой б0т", "Тупой бот"),
    ("вы там бл9ть", "вы там блять"),
    ("вы т у п о й или как?", "вы тупой     или как?"),
    ("с.в.и.н.ь.и, а не люди", "свиньи     , а не люди"),
    ("К-О-З-Л-Ы!", "КОЗЛЫ    !"),
]
# House numbers and codes (a digit first or last), Latin words with a Russian ending, plain text.
UNMASK_KEPT = [
    "улица Фарфористов, 40а",
    "дом 3а по Ленина3",
    "заказал на Wildberriesе",
    "новый iPhoneом",
    "COVID-19 и ОРВИ",
    "ok, спасибо",
    "автобус 2 в 7:10",
    "А.В. Петров, и.о. главы",
    "ул.Ленина, д.5",
    "а я у него спросил",
]


@pytest.mark.parametrize(("text", "plain"), UNMASKED)
def test_words_are_unmasked_letter_for_letter(text: str, plain: str) -> None:
    assert unmask_words(text) == plain and len(plain) == len(text)


@pytest.mark.parametrize("text", UNMASK_KEPT)
def test_unmasking_keeps_numbers_codes_and_latin_words(text: str) -> None:
    assert unmask_words(text) == text


# What the obscenity patterns read (nlp/toxicity.py): «@» inside a Cyrillic word is a mask, not
# «а»; Latin letters typed for the sound; «х..» alone; e-mail addresses and ellipses are no mask.
MASKED = [
    ("бл@ть опять воды нет", "бл*ть опять воды нет"),
    ("с утра бл@ ну хоть", "с утра бл* ну хоть"),
    ("вы там совсем оху@ли?", "вы там совсем оху*ли?"),
    ("пиzдец, а не двор", "пиздец, а не двор"),
    ("заеbали уже", "заебали уже"),
    ("это 3.14здец", "это пиздец"),
    ("х.. пройдёшь", "х* пройдешь"),
    ("пишите на priemnaya@admin.ru или приёмная@мэрия.рф", "пишите на   или  "),
    ("Ох… опять", "ох… опять"),
    ("ждали…ждали", "ждали…ждали"),
    ("BMW на Zаречной", "bmw на заречной"),
]


@pytest.mark.parametrize(("text", "seen"), MASKED)
def test_masks_read_as_masks(text: str, seen: str) -> None:
    assert masked(text) == seen


OBSCENE = [
    ("бл@ть опять горячей воды нет", True),
    ("Водоканал, вы там совсем оху@ли?", True),
    ("пиzдец, а не благоустройство", True),
    ("заеbали уже честно", True),
    ("Это п.з.д.ц, а не перекрёсток!!!", True),
    ("чем дышим — х.. поймёшь", True),
    ("хулиганы опять разбили фонари", False),
    ("пишите на приёмная@мэрия.рф", False),
    ("Ох… опять свет отключили", False),
    ("ну…ладно, подождём", False),
]


@pytest.fixture(scope="module")
def scorer() -> ToxicityScorer:
    return ToxicityScorer(load_config())


@pytest.mark.parametrize(("text", "obscene"), OBSCENE)
def test_masked_obscenity_is_counted(scorer: ToxicityScorer, text: str, obscene: bool) -> None:
    guess = scorer.score(unmask_words(text), Scan([], {}), raw=text)
    assert (guess.obscene > 0) is obscene


@pytest.mark.parametrize("text", [text for text, seen in MASKED if text.lower() != seen])
def test_every_mask_is_noticed(text: str) -> None:
    # The obscenity patterns read `masked` only for texts `may_hide` notices.
    assert may_hide(text)


@pytest.mark.parametrize(
    "text", ["Добрый день, прошу починить дорогу на улице Ленина, 5.", "Спасибо за ёлку!"]
)
def test_a_plain_text_is_read_once(text: str) -> None:
    assert not may_hide(text)
