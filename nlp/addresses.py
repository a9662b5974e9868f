"""Street addresses: «на ул. Советской у д. 12» → «улица Советская, 12»; known streets too."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.analysis import Analysis, Token
from nlp.config import TaggerConfig
from nlp.morph import Morphology

HOUSE = re.compile(r"^\d{1,4}(?:/\d{1,3})?[а-яА-Я]?,?$")
LETTER = re.compile(r"^[а-яА-Я]$")
HOUSE_WORDS = {"д", "дом", "дома", "дому", "домом", "доме", "домов", "№", "n"}
UNITS = {"р", "ч", "м", "г", "км", "кг", "т", "%", "см", "л", "мм", "шт"}
UNIT_WORDS = re.compile(
    r"^(?:руб|час|мин|сек|год|лет|метр|градус|процент|квартир|этаж|раз|человек|чел|дн|день|дня|"
    r"недел|месяц|числ|январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|"
    r"декабр|маршрут|автобус|класс|групп|тыс|млн|семе|жител|квартал)",
    re.IGNORECASE,
)
BEFORE_STREET = {
    "на",
    "по",
    "с",
    "со",
    "у",
    "в",
    "во",
    "за",
    "около",
    "возле",
    "напротив",
    "до",
    "от",
    "к",
    "ко",
    "угол",
    "углу",
    "и",
    "между",
    "через",
    "вдоль",
    "район",
    "районе",
    "района",
    "жители",
    "жителей",
    "перекресток",
    "перекрестке",
    "пересечении",
}
NOT_BEFORE_STREET = {
    "день",
    "дня",
    "дню",
    "днём",
    "днем",
    "имени",
    "им",
    "памяти",
    "товарищ",
    "тов",
}
FEMININE = {"улица", "площадь", "набережная"}
NEUTER = {"шоссе"}


@dataclass(frozen=True, slots=True)
class Street:
    normal: str
    first: int
    last: int
    houses: tuple[str, ...] = ()

    @property
    def addresses(self) -> list[str]:
        return [f"{self.normal}, {house}" for house in self.houses] or [self.normal]


@dataclass(frozen=True, slots=True)
class _Known:
    normal: str
    kind: str
    name: tuple[frozenset[str], ...]
    adjective: bool


class AddressFinder:
    """Finds streets with their house numbers in an analysed message."""

    def __init__(self, config: TaggerConfig, morph: Morphology) -> None:
        self.morph = morph
        self.types: dict[str, str] = {}
        for normal, forms in config.street_types.items():
            for form in forms:
                self.types[form.lower()] = normal
        self.known: list[_Known] = []
        for street in config.streets:
            kind, _, name = street.partition(" ")
            # Names like «Ленина» never inflect, so only adjectives («Советская») match by lemma.
            words = tuple(
                frozenset({word.lower(), morph.normal_term(word.lower())})
                if morph.is_adjective(word)
                else frozenset({word.lower()})
                for word in name.replace("ё", "е").split()
            )
            adjective = any(morph.is_adjective(word) for word in name.split())
            self.known.append(_Known(street, kind, words, adjective))
        self._by_first: dict[str, list[_Known]] = {}
        for known in self.known:
            for variant in known.name[0]:
                self._by_first.setdefault(variant, []).append(known)

    def find(self, analysis: Analysis) -> list[Street]:
        tokens = analysis.tokens
        streets: list[Street] = []
        taken: set[int] = set()
        for index in range(len(tokens)):
            if index in taken:
                continue
            street = self._typed(tokens, index) or self._bare(tokens, index)
            if street is not None:
                streets.append(street)
                taken.update(range(street.first, street.last + 1))
        alone = len({street.normal for street in streets}) == 1
        streets = [
            Street(street.normal, street.first, street.last, self._houses(tokens, street, alone))
            for street in streets
        ]
        return _dedupe(streets)

    def _type_at(self, tokens: Sequence[Token], index: int) -> str | None:
        token = tokens[index]
        word = token.text.lower()
        if len(word) <= 4 and (token.text != word and word != "мкр"):
            return None
        normal = self.types.get(word)
        if normal is not None:
            return normal
        normal = self.types.get(token.lemma)
        return normal if normal is not None and len(word) > 4 else None

    def _typed(self, tokens: Sequence[Token], index: int) -> Street | None:
        kind = self._type_at(tokens, index)
        if kind is None:
            return None
        abbreviated = len(tokens[index].text) <= 4 and _dot_after(tokens, index)
        start = index + 1 + int(abbreviated)
        names: list[Token] = []
        for token in tokens[start : start + 3]:
            if token.sent != tokens[index].sent and not abbreviated:
                break
            if (token.text[:1].isupper() and token.text.isalpha()) or (
                names and token.text[:1].isupper() and "-" in token.text
            ):
                names.append(token)
            else:
                break
        if names:
            return self._street(kind, names, index, start + len(names) - 1)
        before = tokens[index - 1] if index > 0 else None
        if (
            before is not None
            and before.text[:1].isupper()
            and self.morph.is_adjective(before.text)
            and index > 1
            and tokens[index - 2].sent == before.sent
        ):
            return self._street(kind, [before], index - 1, index)
        return None

    def _street(self, kind: str, names: list[Token], first: int, last: int) -> Street:
        known = self._match_known(names, 0, kind)
        if known is not None:
            return Street(known[0].normal, first, first + (last - first))
        gender = "femn" if kind in FEMININE else "neut" if kind in NEUTER else "masc"
        words = []
        for token in names:
            if token.pos == "ADJ" or (self.morph.is_adjective(token.text) and len(names) == 1):
                words.append(self.morph.nominative(token.text, gender, "ADJF"))
            else:
                words.append(token.text)
        return Street(f"{kind} {' '.join(words)}", first, last)

    def _match_known(
        self, tokens: Sequence[Token], start: int, kind: str | None = None
    ) -> tuple[_Known, int] | None:
        token = tokens[start]
        candidates = {
            id(known): known
            for key in (token.text.lower().replace("ё", "е"), token.lemma)
            for known in self._by_first.get(key, ())
        }
        best: tuple[_Known, int] | None = None
        for known in candidates.values():
            if kind is not None and known.kind != kind:
                continue
            size = len(known.name)
            window = tokens[start : start + size]
            matches = len(window) == size and all(
                _word_in(token, variants)
                for token, variants in zip(window, known.name, strict=True)
            )
            if matches and (best is None or size > len(best[0].name)):
                best = (known, size)
        return best

    def _bare(self, tokens: Sequence[Token], index: int) -> Street | None:
        token = tokens[index]
        if not token.text[:1].isupper() or not token.is_word:
            return None
        found = self._match_known(tokens, index)
        if found is None:
            return None
        known, size = found
        last = index + size - 1
        before = tokens[index - 1].text.lower() if index > 0 else ""
        after = tokens[last + 1] if last + 1 < len(tokens) else None
        if after is not None and self._type_at(tokens, last + 1) is not None:
            return None
        if before in NOT_BEFORE_STREET or before in {"«", '"', "„", "“"}:
            return None
        if after is not None and HOUSE.match(after.text):
            return Street(known.normal, index, last)
        if after is not None and after.pos == "PROPN" and before not in BEFORE_STREET:
            return None
        if known.adjective and after is not None and _agrees(token, after):
            return None
        sentence_start = index == 0 or tokens[index - 1].sent != token.sent
        if sentence_start and not self.morph.is_surname(token.text):
            return None
        return Street(known.normal, index, last)

    def _houses(self, tokens: Sequence[Token], street: Street, alone: bool) -> tuple[str, ...]:
        index = street.last + 1
        if index < len(tokens) and tokens[index].text == ",":
            index += 1
        while index < len(tokens) and tokens[index].text.lower() in HOUSE_WORDS | {"."}:
            index += 1
        houses: list[str] = []
        number = _number_at(tokens, index)
        while number is not None:
            houses.append(number)
            comma = tokens[index].text.endswith(",")
            index += 1 + int(len(number) > len(tokens[index].text.rstrip(",")))
            if comma:
                number = _number_at(tokens, index)
            elif index + 1 < len(tokens) and tokens[index].text in {",", "и"}:
                index += 1
                number = _number_at(tokens, index)
            else:
                number = None
        if houses:
            return tuple(houses)
        nearby = _house_nearby(tokens, street, alone)
        return (nearby,) if nearby else ()


def _agrees(adjective: Token, noun: Token) -> bool:
    """«Камышловское лесничество»: the next noun agrees, so the name is not a street."""
    if noun.pos not in {"NOUN", "ADJ"} or not noun.text.islower():
        return False
    return all(adjective.feat(name) == noun.feat(name) for name in ("Case", "Gender", "Number"))


def _dot_after(tokens: Sequence[Token], index: int) -> bool:
    return index + 1 < len(tokens) and tokens[index + 1].text == "."


def _word_in(token: Token, variants: frozenset[str]) -> bool:
    form = token.text.lower().replace("ё", "е")
    return form in variants or token.lemma in variants


def _number_at(tokens: Sequence[Token], index: int) -> str | None:
    if index >= len(tokens) or not HOUSE.match(tokens[index].text):
        return None
    number = tokens[index].text.rstrip(",")
    after = index + 1
    if (
        after < len(tokens)
        and LETTER.match(tokens[after].text)
        and tokens[after].start == tokens[index].stop
    ):
        number += tokens[after].text.lower()
        after += 1
    if after < len(tokens) and (
        tokens[after].text.lower() in UNITS or UNIT_WORDS.match(tokens[after].text)
    ):
        return None
    return number.lower()


def _house_nearby(tokens: Sequence[Token], street: Street, alone: bool) -> str | None:
    """A number tied to «дом»: «у дома 12 по ул. …», «возле 14 дома»; any sentence if one street."""
    sent = tokens[street.first].sent
    best: tuple[int, str] | None = None
    for index, token in enumerate(tokens):
        if token.lemma not in {"дом", "д"} or (token.sent != sent and not alone):
            continue
        candidates = [index + 1, index + 2, index - 1]
        for position in candidates:
            if 0 <= position < len(tokens) and tokens[position].sent == token.sent:
                number = (
                    _number_at(tokens, position)
                    if position > index
                    else (
                        tokens[position].text.rstrip(",")
                        if HOUSE.match(tokens[position].text)
                        else None
                    )
                )
                if number is not None:
                    distance = min(abs(index - street.first), abs(index - street.last))
                    distance += 1000 * int(token.sent != sent)
                    if best is None or distance < best[0]:
                        best = (distance, number)
                    break
    return best[1] if best else None


def _dedupe(streets: list[Street]) -> list[Street]:
    numbered = {street.normal for street in streets if street.houses}
    result: dict[str, Street] = {}
    for street in streets:
        if not street.houses and street.normal in numbered:
            continue
        result.setdefault(street.addresses[0], street)
    return list(result.values())
