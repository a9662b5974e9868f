import pytest

from nlp.tagger import TextItem

# nlp/repeats.py: applying more than once, told in a sentence no lexicon phrase lists.
REPEATED = (
    "Заявление в отдел опеки я подавала дважды, оба раза потеряли.",
    "В управляющую компанию обращались неоднократно, толку нет.",
    "Подано уже пять заявок на ремонт крыльца.",
    "Заявки в ЕДДС оставляли 2, 9 и 16 марта, свет так и не дали.",
    "Писали в ЖКХ, писали в Роспотребнадзор — ни ответа.",
    "Каждый месяц пишем в администрацию про этот мост.",
    "Сколько ни жалуйся, ответ один: денег нет.",
    "Это моё четвёртое обращение по поводу ливнёвки.",
    "Документы я направляла в январе, в феврале и в апреле.",
)
# One application, a problem that recurs, an order to apply, a summary of applications.
ONCE = (
    "Третий раз за месяц отключают горячую воду.",
    "Подала заявку в понедельник, жду мастера.",
    "Заявки на участие в конкурсе можно подавать каждую неделю до июня.",
    "Мы ни разу не обращались в управляющую компанию.",
    "Наш двор на Луговой, 17 подавал заявку в прошлом году.",
    "За неделю в администрацию поступило 45 обращений граждан.",
    "Звонила три раза в соцтакси, никто не ответил.",
    "В регистратуре каждый раз сообщали, что врача нет.",
)
# nlp/rhetoric.py: an accusing question, or waiting for a tragedy.
ACCUSING = (
    "Горводоканал, вы там вообще воду проверяете?",
    "Вы совсем про нашу деревню забыли?",
    "Третий год без дороги. Вам самим не стыдно?",
    "Ждём, пока кто-нибудь провалится в этот колодец.",
    "Вы ждёте, когда ребёнка собьют на этом переходе?",
)
PLAIN = (
    "Вы там в субботу работаете?",
    "Ждём, когда откроют каток на стадионе.",
    "Вы сами когда приедете на дачу?",
    "Ответьте, пожалуйста: это вообще законно, сбор по 500 рублей?",
    "Вообще не понимаю, где тут остановка, подскажете?",
)

CASES = [
    *(("repeats", text, True) for text in REPEATED),
    *(("repeats", text, False) for text in ONCE),
    *(("rhetoric", text, True) for text in ACCUSING),
    *(("rhetoric", text, False) for text in PLAIN),
]


@pytest.mark.parametrize(("reader", "text", "found"), CASES)
def test_what_a_sentence_reader_finds(tagger, reader: str, text: str, found: bool) -> None:
    assert getattr(tagger, reader).read(tagger.pipeline.analyse(text)) is found


def test_a_repeated_complaint_the_lexicon_lacks_is_a_conflict(tagger) -> None:
    # No phrase of the `repeated` lexicon (conflict.yaml) is in it.
    text = "Яма у остановки на Садовой. Заявку подавали 4, 11 и 18 мая, приезжал мастер, посмотрел."
    tagging = tagger.tag(TextItem(text, "comment"))
    assert "repeated" in tagging.conflict_reasons
    assert tagging.conflict


def test_an_accusation_read_from_the_sentence_outweighs_the_head(tagger) -> None:
    # The conflict head alone read accusation 0.01 and repeated 0.11 in this longer text.
    text = "Вы там совсем обнаглели?! Третий раз пишу про разбитую хоккейную коробку у стадиона!"
    tagging = tagger.tag(TextItem(text, "post"))
    assert {"accusation", "repeated"} <= set(tagging.conflict_reasons)


def test_sentences_are_ranges_of_adjacent_tokens() -> None:
    from nlp.analysis import Analysis, Token

    words = [("Яма", 0), ("опять", 0), (".", 0), ("Пишу", 1), ("снова", 1)]
    tokens = tuple(Token(0, 0, text, "X", (), text.lower(), sent) for text, sent in words)
    assert Analysis("", tokens, ()).sentences == [range(0, 3), range(3, 5)]
    assert Analysis("", (), ()).sentences == []
