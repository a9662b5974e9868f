"""Official replies: a formulaic non-answer (отписка) versus a substantive one, and rudeness."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.analysis import Analysis
from nlp.config import TaggerConfig
from nlp.scan import Scan

LEXICONS = ("formal", "concrete", "rude")

MONTHS = r"(?:январ|феврал|март|апрел|ма[еяй]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*"
DATE = re.compile(
    rf"\b\d{{1,2}}\s+{MONTHS}|\b\d{{1,2}}\.\d{{1,2}}(?:\.\d{{2,4}})?\b|\b\d{{1,2}}:\d{{2}}\b|"
    r"\b(?:в|во|на|до|с|к)\s+(?:понедельник|вторник|сред[уа]|четверг|пятниц[уа]|суббот[уа]|"
    r"воскресенье)\b|\bдо\s+конца\s+(?:[IV]+\s+)?(?:недели|месяца|года|квартала)\b|"
    r"\b(?:завтра|сегодня)\b|\b(?:19|20)\d{2}\s+год|"
    rf"\b(?:в|до|с|к|на|по)\s+(?:начал[еао]\s+|конц[еау]\s+)?{MONTHS}|"
    r"\b(?:весной|летом|осенью|зимой)\b",
    re.IGNORECASE,
)
# Amounts, terms and sizes: a substantive reply tends to give numbers with units.
AMOUNT = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:%|руб|тыс|млн|рабоч|дн[ейя]|календарн|час|минут|км\b|метр|м\b|шт)",
    re.IGNORECASE,
)
# Where and when to act: a phone number, opening hours «с 7 до 9».
CONTACT = re.compile(
    r"\b(?:звон\w*|телефон\w*|тел\.)\s*(?:по\s+)?(?:номеру\s+)?\+?\d[\d\s()\-]{1,16}\d|"
    r"\bс\s+\d{1,2}(?:[:.]\d{2})?\s+до\s+\d{1,2}(?:[:.]\d{2})?\b|"
    r"(?<![\d-])\d{1,3}(?:-\d{2}){2,3}(?![\d-])|\+7[\s(]*\d{3}",
    re.IGNORECASE,
)

SECOND_PERSON = re.compile(r"(?<![а-яё])(?:вы|вас|вам|вами|ваш[а-яё]*)(?![а-яё])", re.IGNORECASE)
POLITE_ADDRESS = re.compile(
    r"уважаем[а-яё]* |ваш[а-яё]* (?:обращени|вопрос|сообщени|заявлени|жалоб)[а-яё]*|"
    r"(?:сообщаем|информируем|благодарим|уведомляем|разъясняем) (?:вам|вас)|"
    r"спасибо вам|на ваш[а-яё]*",
    re.IGNORECASE,
)
WHERE = re.compile(r"\bпо\s+адресу\b|\((?:ул|пр|пер|пл)\.", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReplyGuess:
    formal: bool
    rude: bool
    formal_score: float
    concrete_score: float
    dates: int = 0


class ReplyJudge:
    def __init__(self, config: TaggerConfig) -> None:
        self.rude_patterns = config.regexes("rude")
        self.margin = config.threshold("formal_reply_margin", 0.0)
        # An official who asks the citizen a question, or orders them about in words other than
        # «обратитесь», «позвоните», is usually mocking or telling them off; each cue alone is
        # weaker than one rude phrase.
        self.question_weight = config.threshold("rude_question", 0.6)
        self.imperative_weight = config.threshold("rude_imperative", 0.6)
        self.second_person_weight = config.threshold("rude_second_person", 0.4)
        self.polite_imperatives = frozenset(config.lexicon("polite_imperative"))

    def rude_cues(self, text: str, analysis: Analysis) -> float:
        cues = self.question_weight if "?" in text else 0.0
        # Talking at the citizen: «вы», «вам», «ваш» again and again outside the polite formulas.
        apologises = "извинен" in text.lower()
        if not apologises and len(SECOND_PERSON.findall(POLITE_ADDRESS.sub(" ", text))) >= 2:
            cues += self.second_person_weight
        if any(
            token.feat("Mood") == "Imp" and token.lemma not in self.polite_imperatives
            for token in analysis.tokens
        ):
            cues += self.imperative_weight
        return cues

    def judge(self, text: str, scan: Scan, people: int, analysis: Analysis) -> ReplyGuess:
        formal = scan.score("formal")
        concrete = scan.score("concrete")
        dates = len(DATE.findall(text))
        amounts = min(len(AMOUNT.findall(text)) + len(CONTACT.findall(text)), 2)
        # A named person to go to, or an address where to go («по адресу», «(ул. Ленина, 21)»),
        # is substance too; an address that only names the subject of the question is not.
        where = 1.0 if WHERE.search(text) else 0.0
        concrete += 1.5 * dates + 1.0 * min(people, 2) + 1.0 * amounts + where
        rude = scan.score("rude") + self.rude_cues(text, analysis) >= 1.0 or any(
            pattern.search(text.lower()) for pattern in self.rude_patterns
        )
        # A reply that says nothing concrete is formulaic even without the stock phrases.
        is_formal = concrete - formal < self.margin + 1.0
        return ReplyGuess(is_formal, rude, formal, concrete, dates)
