import pytest

from nlp.tagger import TextItem

THREATS = (
    "Колёса проколю тому, кто собак у школы травит.",
    "Я вам все окна перебью, если не уберёте свалку.",
    "Буду жечь покрышки у вашего кабинета, пока не сделаете.",
    "Приеду с битой к вашей конторе, раз по-хорошему не понимаете.",
    "Кто разбил фары у машины во дворе? Найдём — руки оторвём.",
    "Я их всех перебью, если ещё раз увижу у гаражей.",
    "Ещё раз сгребёте грязь к моим воротам — выйду с монтировкой.",
)
HARMLESS = (
    "Я побью рекорд и сожгу калории на новом стадионе.",
    "Сломаю ногу на этом льду, кто отвечать будет?",
    "Себе руку порежу, пока открою эту дверь.",
    "Завтра разобью клумбу у подъезда и прибью полку.",
    "Придём с детьми на праздник в парк.",
    "Убью два часа в очереди в поликлинике, как всегда.",
    "Выйду с ребёнком во двор, когда его наконец почистят.",
)


@pytest.mark.parametrize("text", THREATS)
def test_a_threat_is_read_from_the_verb(tagger, text: str) -> None:
    assert tagger.threats.read(tagger.pipeline.analyse(text)) == 1.0


@pytest.mark.parametrize("text", HARMLESS)
def test_harm_verbs_without_a_victim_are_no_threat(tagger, text: str) -> None:
    assert tagger.threats.read(tagger.pipeline.analyse(text)) == 0.0


def test_a_threat_the_lexicon_lacks_is_aggression(tagger) -> None:
    # No phrase of the threat lexicon (toxicity.yaml `threat`) is in it.
    tagging = tagger.tag(TextItem("Колёса проколю тому, кто собак у школы травит.", "comment"))
    assert tagging.toxic
    assert "aggression" in tagging.conflict_reasons
