"""Named entities: natasha's NER spans, corrected by gazetteers of places and organisations."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.addresses import Street
from nlp.analysis import Analysis, Entity, Token
from nlp.config import TaggerConfig
from nlp.lexicon import Lexicon, Word, words_of
from nlp.morph import PATRONYMIC, Morphology, restore_case
from nlp.people import PersonNamer

QUOTES_OPEN = {"«", '"', "„", "“", "'"}
QUOTES_CLOSE = {"»", '"', "“", "”", "'"}
NUMBER = re.compile(r"^\d{1,4}$")
NUMBER_SIGNS = {"№", "n", "номер"}
ORDINAL = re.compile(r"^(\d{1,4})(?:-?(?:й|я|ей|ой|ю|го|м|ом))?$", re.IGNORECASE)
ORDINAL_ENDINGS = {"й", "я", "ей", "ой", "ю", "го", "м", "ом"}


class EntityFinder:
    """PER, LOC and ORG with the guide's normal forms («улица Ленина», «Соболева А.А.»)."""

    def __init__(self, config: TaggerConfig, morph: Morphology, people: PersonNamer) -> None:
        self.morph = morph
        self.people = people
        self.places = Lexicon.gazetteer(config.places, morph.normal_term)
        self.organisations = Lexicon.gazetteer(config.organisations, morph.normal_term)
        self.types = Lexicon.gazetteer(config.organisation_types, morph.normal_term)
        self.stoplist = {_key(normal) for normal in config.lexicon("not_entity")}
        # «управляющая компания ООО "Управдом"»: the inner type names the organisation.
        self.type_names = {kind.upper() for kind in config.organisation_types if kind.isupper()}
        self.stopheads = {_key(head) for head in config.lexicon("not_entity_head")}

    def find(
        self, analysis: Analysis, streets: Sequence[Street], words: Sequence[Word] | None = None
    ) -> list[Entity]:
        words = words_of(analysis) if words is None else words
        tokens = analysis.tokens
        text = analysis.text
        found: list[Entity] = []
        found.extend(self._typed_organisations(analysis, words))
        found.extend(self._gazetteer(analysis, words, self.organisations, "ORG", found))
        for kind, first, last in _merged_spans(analysis):
            merged = kind == "ORG" and any(
                span.first == first and span.last < last for span in analysis.spans
            )
            if merged and not any(entity.overlaps(first, last) for entity in found):
                entity = self._from_ner(analysis, kind, first, last)
                if entity is not None:
                    found.append(entity)
        for street in streets:
            found.append(
                Entity(
                    "LOC",
                    _text(text, tokens, street.first, street.last),
                    street.normal,
                    street.first,
                    street.last,
                )
            )
        found.extend(self._gazetteer(analysis, words, self.places, "LOC", found))
        found.extend(self.people.find(analysis, [(e.first, e.last) for e in found]))
        for kind, first, last in _merged_spans(analysis):
            if any(entity.overlaps(first, last) for entity in found):
                continue
            if kind != "PER" and self._common_words(tokens[first : last + 1]):
                continue
            if kind == "PER":
                first = self._title_skipped(tokens, first, last)
                if self._not_a_name(tokens[first : last + 1]):
                    continue
            entity = self._from_ner(analysis, kind, first, last)
            if entity is not None and not self._stopped(entity):
                found.append(entity)
        return _unique(sorted(found, key=lambda entity: entity.first))

    def _stopped(self, entity: Entity) -> bool:
        key = _key(entity.normal)
        return key in self.stoplist or (
            entity.type == "ORG" and key.split(" ", 1)[0] in self.stopheads
        )

    def _common_words(self, part: Sequence[Token]) -> bool:
        """Sentence-initial or shouted common nouns («Горку», «ПОЛИГОН») are not names."""
        words = [token for token in part if token.is_word]
        if not words or (len(words) != len(part) and not any(t.text in QUOTES_OPEN for t in part)):
            return not words or any(
                not t.is_word
                and t.text not in {"-", ".", ","}
                and t.text not in QUOTES_OPEN | QUOTES_CLOSE
                for t in part
            )
        if len(words) > 1 and not all(token.text.isupper() for token in words):
            return False
        token = words[0]
        shouted = token.text.isupper() and len(token.text) > 4
        initial = part[0] is token and (token.start == 0 or _sentence_start(part[0]))
        if not (shouted or (initial and len(words) == 1)):
            return False
        return all(self._dictionary_word(word.text) for word in words)

    def _title_skipped(self, tokens: Sequence[Token], first: int, last: int) -> int:
        """«Фермер Чечулин»: a capitalised common noun before the name is a title, not a name."""
        while first < last and (
            self._title(tokens[first].text)
            or (self._known(tokens[first].text) and self._title(tokens[first + 1].text))
        ):
            first += 1
        return first

    def _title(self, word: str) -> bool:
        if PATRONYMIC.search(word) or self.morph.is_first_name(word):
            return False
        return (word.isupper() and len(word) > 1) or (
            self._dictionary_noun(word) and self._known(word)
        )

    def _known(self, word: str) -> bool:
        return bool(self.morph.vocab.word_is_known(word.lower()))

    def _not_a_name(self, part: Sequence[Token]) -> bool:
        """A lone dictionary word («Монетка», «Спортплощадку», «Заречную») is no person."""
        words = [token for token in part if token.is_word]
        if len(words) != 1 or len(part) != 1:
            return False
        word = words[0].text
        return self._dictionary_word(word) and not self.morph.is_surname(word) and self._known(word)

    def _dictionary_noun(self, word: str) -> bool:
        grams = self.morph.grams(word)
        return self._dictionary_word(word) and "NOUN" in grams and "ADJF" not in grams

    def _dictionary_word(self, word: str) -> bool:
        grams = self.morph.grams(word)
        return not grams & {"Geox", "Orgn", "Abbr", "Name", "Surn", "UNKN"} and bool(grams)

    def _gazetteer(
        self,
        analysis: Analysis,
        words: Sequence[Word],
        lexicon: Lexicon,
        kind: str,
        taken: Sequence[Entity],
    ) -> list[Entity]:
        result: list[Entity] = []
        hits = sorted(lexicon.hits(words), key=lambda hit: (hit.start, hit.start - hit.stop))
        for hit in hits:
            first, last = words[hit.start].index, words[hit.stop - 1].index
            if any(entity.overlaps(first, last) for entity in (*taken, *result)):
                continue
            normal = hit.term.label
            result.append(
                Entity(
                    kind, _text(analysis.text, analysis.tokens, first, last), normal, first, last
                )
            )
        return result

    def _typed_organisations(self, analysis: Analysis, words: Sequence[Word]) -> list[Entity]:
        """«УК "Уют"» → УК Уют, «школы № 3» → школа №3, «СНТ Восход» → СНТ Восход."""
        tokens = analysis.tokens
        result: list[Entity] = []
        for hit in sorted(self.types.hits(words), key=lambda hit: hit.start - hit.stop):
            kind = hit.term.label
            first, last = words[hit.start].index, words[hit.stop - 1].index
            if any(entity.overlaps(first, last) for entity in result):
                continue
            name, stop = _name_after(tokens, last + 1, kind.isupper())
            if name is None and not kind.isupper():
                number, start = _number_before(tokens, first)
                if number is not None:
                    name, stop, first = f"№{number}", last, start
            if name is None or name.upper() in self.type_names:
                continue
            result.append(
                Entity(
                    "ORG", _text(analysis.text, tokens, first, stop), f"{kind} {name}", first, stop
                )
            )
        return result

    def _from_ner(self, analysis: Analysis, kind: str, first: int, last: int) -> Entity | None:
        tokens = analysis.tokens
        text = _text(analysis.text, tokens, first, last)
        if kind == "PER":
            return self.people.from_span(analysis, first, last)
        part = [
            token
            for token in tokens[first : last + 1]
            if token.text not in QUOTES_OPEN and token.text not in QUOTES_CLOSE
        ]
        if not part:
            return None
        if kind == "ORG":
            normal = self._organisation_normal(part)
        else:
            normal = " ".join(self._inflect(token) for token in part)
        return Entity(kind, text, normal, first, last)

    def _inflect(self, token: Token) -> str:
        if token.feat("Case") in {None, "Nom"} or token.pos not in {"NOUN", "PROPN", "ADJ"}:
            return token.text
        gender = {"Fem": "femn", "Masc": "masc", "Neut": "neut"}.get(token.feat("Gender") or "", "")
        want = "ADJF" if token.pos == "ADJ" else ""
        return restore_case(self.morph.nominative(token.text, gender, want), token.text)

    def _organisation_normal(self, part: Sequence[Token]) -> str:
        """Leading adjectives and the head noun go to the nominative; the genitive tail stays."""
        words: list[str] = []
        head_done = False
        for token in part:
            if head_done:
                words.append(token.text)
                continue
            if token.pos == "ADJ":
                words.append(self._inflect(token))
            else:
                words.append(self._inflect(token) if token.text[:1].isalpha() else token.text)
                head_done = token.pos in {"NOUN", "PROPN"}
        return " ".join(words)


def _name_after(tokens: Sequence[Token], index: int, abbreviation: bool) -> tuple[str | None, int]:
    if index >= len(tokens):
        return None, index
    token = tokens[index]
    if token.text.lower() in NUMBER_SIGNS or token.text.lower().startswith("№"):
        digits = token.text.lstrip("№Nn")
        if NUMBER.match(digits):
            return f"№{digits}", index
        if index + 1 < len(tokens) and NUMBER.match(tokens[index + 1].text):
            return f"№{tokens[index + 1].text}", index + 1
        return None, index
    glued_word = index + 1 < len(tokens) and _glued(tokens, index + 1)
    if NUMBER.match(token.text) and not abbreviation and not glued_word:
        # «заводе 28к» is a wage, not a number of the plant.
        return f"№{token.text}", index
    if token.text in QUOTES_OPEN:
        for stop in range(index + 1, min(len(tokens), index + 8)):
            if tokens[stop].text in QUOTES_CLOSE:
                name = " ".join(tok.text for tok in tokens[index + 1 : stop])
                return (name, stop) if name else (None, index)
        return None, index
    if abbreviation and token.text[:1].isupper() and token.is_word and token.pos != "ADP":
        return token.text, index
    return None, index


def _number_before(tokens: Sequence[Token], first: int) -> tuple[str | None, int]:
    """«3 школа», «3й школы», «10-й школе» → the number and where it starts."""
    if first > 0:
        token = tokens[first - 1]
        match = ORDINAL.match(token.text)
        if match:
            return match.group(1), first - 1
        if (
            first > 1
            and token.text.lower() in ORDINAL_ENDINGS
            and _glued(tokens, first - 1)
            and NUMBER.match(tokens[first - 2].text)
        ):
            return tokens[first - 2].text, first - 2
    return None, first


def _glued(tokens: Sequence[Token], index: int) -> bool:
    return tokens[index - 1].stop == tokens[index].start


def _key(text: str) -> str:
    return text.lower().replace("ё", "е")


def _sentence_start(token: Token) -> bool:
    return token.start == 0


def _merged_spans(analysis: Analysis) -> list[tuple[str, int, int]]:
    """«Правительства» + «Свердловской области»: an ORG followed by a LOC is one organisation."""
    spans = [(span.type, span.first, span.last) for span in analysis.spans]
    merged: list[tuple[str, int, int]] = []
    for kind, first, last in spans:
        adjacent = bool(merged) and merged[-1][2] + 1 == first
        if adjacent and merged[-1][0] == "ORG" and kind == "LOC":
            merged[-1] = ("ORG", merged[-1][1], last)
        elif adjacent and merged[-1][0] == "PER" and kind == "PER":
            # The NER splits «Лыковой | Галине Петровне»: touching PER spans are one person.
            merged[-1] = ("PER", merged[-1][1], last)
        else:
            merged.append((kind, first, last))
    return merged


def _text(text: str, tokens: Sequence[Token], first: int, last: int) -> str:
    return text[tokens[first].start : tokens[last].stop]


def _unique(entities: list[Entity]) -> list[Entity]:
    seen: set[tuple[str, str]] = set()
    result = []
    for entity in entities:
        key = (entity.type, entity.normal.lower().replace("ё", "е"))
        if key not in seen:
            seen.add(key)
            result.append(entity)
    return result
