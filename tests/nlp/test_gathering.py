import pytest

from nlp.gathering import CROWD, PLACE
from nlp.tagger import TextItem

CALLS = (
    "В понедельник придём всем подъездом к администрации, пусть объяснят.",
    "Встанем на дорогу в субботу, раз по-хорошему не понимают.",
    "Давайте соберёмся и пойдём на приём к главе.",
    "Будем стоять на трассе, пока не отремонтируют мост.",
    "Выйдем на трассу всей деревней, раз по-другому не слышат.",
    "в субботу перекрываем Заречную полностью, иначе не услышат",
    "Завтра в 7 утра все встаём на мосту, пусть видят.",
)
NO_CALLS = (
    "Придём с детьми на праздник в парк.",
    "Идём в магазин за хлебом, потом домой.",
    "Приходите на публичные слушания в четверг!",
    "Мы приходим на работу к восьми, а автобус в 8:10.",
    "Поедем на дачу по этой дороге, если её починят.",
    "на переезде стоим по 40 минут, сделайте объезд",
)


@pytest.mark.parametrize("text", CALLS)
def test_a_call_to_gather_is_read_from_the_verb(tagger, text: str) -> None:
    assert tagger.gathering.read(tagger.pipeline.analyse(text)) == PLACE


@pytest.mark.parametrize("text", NO_CALLS)
def test_going_somewhere_is_no_call(tagger, text: str) -> None:
    assert tagger.gathering.read(tagger.pipeline.analyse(text)) == 0


@pytest.mark.parametrize(
    "text", ["Приходим все на собрание в четверг!", "Мы все идём в кино на Советской."]
)
def test_all_of_us_coming_is_a_call_of_the_weaker_kind(tagger, text: str) -> None:
    assert tagger.gathering.read(tagger.pipeline.analyse(text)) == CROWD


def test_coming_all_together_needs_a_grievance(tagger) -> None:
    clean_up = "Соседи, в субботу выходим всем двором на субботник, грабли выдадут!"
    grievance = "Третий месяц течёт крыша, в понедельник придём всем подъездом, хватит!"
    assert tagger.gathering.read(tagger.pipeline.analyse(clean_up)) == CROWD
    assert tagger.gathering.read(tagger.pipeline.analyse(grievance)) == CROWD
    quiet, angry = tagger.tag_many([TextItem(clean_up, "post"), TextItem(grievance, "comment")])
    assert "collective_action" not in quiet.conflict_reasons
    assert "collective_action" in angry.conflict_reasons
