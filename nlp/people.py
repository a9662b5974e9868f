"""People: «Фамилия И.О.» normal forms, and the officials of the roster named in a text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pymorphy2.analyzer import Parse

from nlp.analysis import Analysis, Entity, Token
from nlp.config import Official, TaggerConfig
from nlp.morph import FEMALE_PATRONYMIC, PATRONYMIC, Morphology, restore_case

GENDERS = {"Fem": "femn", "Masc": "masc"}
# After these a «-ова» surname is a man's in an oblique case («у Иванова»), else a woman's.
GOVERNORS = frozenset(
    [
        "у",
        "от",
        "для",
        "до",
        "без",
        "из",
        "из-за",
        "около",
        "возле",
        "против",
        "кроме",
        "про",
        "на",
        "через",
        "за",
        "с",
        "со",
        "о",
        "об",
        "к",
        "ко",
        "по",
    ]
)


@dataclass(frozen=True, slots=True)
class Person:
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    initials: str = ""

    @property
    def letters(self) -> str:
        letters = (self.name[:1] + self.patronymic[:1]) if self.name else ""
        return letters or self.initials


def _key(word: str) -> str:
    return word.lower().replace("ё", "е")


def _stem(surname: str) -> str:
    """Gender-free stem: Соболева and Соболев, Шевелёва and Шевелёв compare equal."""
    key = _key(surname)
    return key[:-1] if key.endswith(("ова", "ева", "ина", "ына")) else key


class PersonNamer:
    """Normalises PER spans and finds roster officials even where the NER misses them."""

    def __init__(self, config: TaggerConfig, morph: Morphology) -> None:
        self.morph = morph
        self.roster = config.roster
        self._by_stem = {_stem(official.surname): official for official in self.roster}
        self._forms = {
            form: official for official in self.roster for form in surname_forms(official)
        }

    def official(self, person: Person) -> Official | None:
        if person.surname:
            official = self._by_stem.get(_stem(person.surname))
            if official is None:
                return None
            letters = person.letters
            expected = official.name[:1] + official.patronymic[:1]
            return official if not letters or expected.startswith(letters) else None
        if person.name and person.patronymic:
            female = bool(FEMALE_PATRONYMIC.search(person.patronymic))
            for official in self.roster:
                if (
                    _key(official.name[:1]) == _key(person.name[:1])
                    and _key(official.patronymic[:1]) == _key(person.patronymic[:1])
                    and bool(FEMALE_PATRONYMIC.search(official.patronymic)) == female
                ):
                    return official
        return None

    def normal(self, person: Person) -> str | None:
        official = self.official(person)
        if official is not None:
            return official.normal
        if not person.surname:
            return None
        letters = person.letters
        if person.name and not person.patronymic and not person.initials:
            return f"{person.surname} {person.name}"
        if letters:
            return f"{person.surname} {'.'.join(letters)}."
        return person.surname

    def from_span(self, analysis: Analysis, first: int, last: int) -> Entity | None:
        tokens = analysis.tokens
        governed = self._governed(tokens, first)
        person = self.parse(tokens[first : last + 1], governed)
        normal = self.normal(person)
        if normal is None:
            return None
        text = analysis.text[tokens[first].start : tokens[last].stop]
        return Entity("PER", text, normal, first, last)

    def _governed(self, tokens: Sequence[Token], first: int) -> bool:
        """«у Иванова», «у фермера Пьянкова»: a preposition or an oblique noun before the name."""
        if first == 0:
            return False
        before = tokens[first - 1].text
        if before.lower() in GOVERNORS:
            return True
        if not before.islower():
            return False
        parses = self.morph.parses(before)
        return bool(parses) and parses[0].tag.POS == "NOUN" and parses[0].tag.case != "nomn"

    def parse(self, tokens: Sequence[Token], governed: bool = False) -> Person:
        words = [token for token in tokens if token.text[:1].isalpha()]
        initials = "".join(t.text for t in words if len(t.text) == 1 and t.text.isupper())
        full = [t for t in words if len(t.text) > 1]
        patronymic = next((t for t in full if PATRONYMIC.search(t.text)), None)
        rest = [t for t in full if t is not patronymic]
        names = [t for t in rest if self.morph.is_first_name(t.text)]
        name = next((t for t in names if not self.morph.is_surname(t.text)), None)
        if name is None and len(rest) > 1 and names:
            name = names[-1] if names[0] is rest[0] else names[0]
        if name is not None and len(rest) == 1 and patronymic is None and not initials:
            # A lone word that could be a name or a surname («Фёдоров») is a surname.
            name = None if self.morph.is_surname(name.text) else name
        surnames = [t for t in rest if t is not name]
        gender = self._gender(patronymic, name, surnames)
        return Person(
            surname=self._surname(surnames[0], gender, governed) if surnames else "",
            name=self._nominative(name, "Name", gender) if name else "",
            patronymic=self._nominative(patronymic, "Patr", gender) if patronymic else "",
            initials=initials,
        )

    def _gender(self, patronymic: Token | None, name: Token | None, rest: list[Token]) -> str:
        if patronymic is not None:
            return "femn" if FEMALE_PATRONYMIC.search(patronymic.text) else "masc"
        if name is not None:
            for parse in self.morph.parses(name.text):
                if "Name" in parse.tag and parse.tag.gender in {"masc", "femn"}:
                    return str(parse.tag.gender)
        for token in rest:
            if _key(token.text).endswith(("ова", "ева", "ина", "ына", "овой", "евой", "иной")):
                continue  # the NER's gender for these is a guess; the ending decides later
            gender = GENDERS.get(token.feat("Gender") or "")
            if gender:
                return gender
        return ""

    def _nominative(self, token: Token, want: str, gender: str) -> str:
        for parse in self.morph.parses(token.text):
            if want in parse.tag and (not gender or parse.tag.gender in {gender, None}):
                inflected = Parse.inflect(parse, {"nomn", "sing"})
                if inflected is not None:
                    return restore_case(str(inflected.word), token.text)
        return token.text

    def _surname(self, token: Token, gender: str, governed: bool = False) -> str:
        word = token.text
        key = _key(word)
        official = self._by_stem.get(_stem(word)) or self._by_form(word)
        if official is not None:
            return official.surname
        if not gender and key.endswith(("овой", "евой", "иной", "ыной")):
            gender = "femn"
        elif not gender and not governed and key.endswith(("ова", "ева", "ина", "ына")):
            # «Хорошева Л.А.», «почтальон Юдина»: ungoverned, the word is a woman's nominative.
            return word
        for parse in self.morph.parses(word):
            if "Surn" in parse.tag and (not gender or parse.tag.gender == gender):
                inflected = Parse.inflect(parse, {"nomn", "sing"})
                if inflected is not None:
                    return restore_case(str(inflected.word), word)
        if gender == "femn" and key.endswith(("овой", "евой", "иной", "ской")):
            return word[:-2] + "а" if not key.endswith("ской") else word[:-2] + "ая"
        if key.endswith(("ову", "еву", "ину", "ова", "ева", "ына")) and gender != "femn":
            return word[:-1]
        if key.endswith(("овым", "евым", "иным")):
            return word[:-2]
        return word

    def _by_form(self, word: str) -> Official | None:
        return self._forms.get(_key(word))

    def find(self, analysis: Analysis, taken: Sequence[tuple[int, int]]) -> list[Entity]:
        """Roster surnames in any case and «Имя Отчество» addresses of roster officials."""
        tokens = analysis.tokens
        found: list[Entity] = []
        index = 0
        while index < len(tokens):
            span = self._span_at(tokens, index)
            if span is not None and not any(a <= span[1] and span[0] <= b for a, b in taken):
                person = self.parse(tokens[span[0] : span[1] + 1])
                normal = self.normal(person)
                if normal is not None:
                    text = analysis.text[tokens[span[0]].start : tokens[span[1]].stop]
                    found.append(Entity("PER", text, normal, span[0], span[1]))
                    index = span[1] + 1
                    continue
            index += 1
        return found

    def _span_at(self, tokens: Sequence[Token], index: int) -> tuple[int, int] | None:
        token = tokens[index]
        if not token.text[:1].isupper():
            return None
        if self._by_form(token.text) is not None:
            first, last = index, index
            while first >= 2 and tokens[first - 1].text == "." and len(tokens[first - 2].text) == 1:
                first -= 2
            while (
                last + 2 < len(tokens)
                and len(tokens[last + 1].text) == 1
                and tokens[last + 1].text.isupper()
                and tokens[last + 2].text == "."
            ):
                last += 2
            while last + 1 < len(tokens) and last - index < 2 and self._name_part(tokens[last + 1]):
                last += 1
            while first > 0 and index - first < 2 and self._name_part(tokens[first - 1]):
                first -= 1
            return first, last
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            after is not None
            and after.text[:1].isupper()
            and PATRONYMIC.search(after.text)
            and self.morph.is_first_name(token.text)
        ):
            first, last = index, index + 1
            if last + 1 < len(tokens) and self._surname_like(tokens[last + 1]):
                last += 1
            elif index > 0 and self._surname_like(tokens[index - 1]):
                first = index - 1
            return first, last
        return None

    def _name_part(self, token: Token) -> bool:
        return token.text[:1].isupper() and (
            bool(PATRONYMIC.search(token.text)) or self.morph.is_first_name(token.text)
        )

    def _surname_like(self, token: Token) -> bool:
        return (
            token.text[:1].isupper()
            and token.text.isalpha()
            and len(token.text) > 2
            and not token.text.isupper()
            and (token.pos == "PROPN" or self.morph.is_surname(token.text))
            and not self.morph.is_adjective(token.text)
        )


def surname_forms(official: Official) -> frozenset[str]:
    key = _key(official.surname)
    female = bool(FEMALE_PATRONYMIC.search(official.patronymic))
    if female and key.endswith("а"):
        base = key[:-1]
        return frozenset({key, base + "ой", base + "у", base + "ою"})
    if female:
        return frozenset({key})
    endings: tuple[str, ...] = ("", "а", "у", "ом", "ем", "е", "ы")
    if key.endswith(("ов", "ев", "ин", "ын", "ёв")):
        endings = ("", "а", "у", "ым", "е", "ы", "ых", "ыми")
    return frozenset(key + ending for ending in endings)
