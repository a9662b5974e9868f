"""Undoes the spelling tricks that hide words from a filter: Latin look-alikes, digits for
letters («е6ать», «бл9ть», «3.14здец»), separators inside a word («б.л.я», «х-у-й», «бл"ядь»),
masks («х*й», «п@дла»)."""

from __future__ import annotations

import re

# Latin letters that look like (or are typed for) Cyrillic ones.
LOOKALIKES = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "x": "х",
        "y": "у",
        "u": "и",
        "n": "п",
        "r": "г",
        "3": "з",
        "0": "о",
        "6": "б",
        "4": "ч",
        "9": "я",
        "@": "а",
    }
)
MASKS = str.maketrans({"#": "*", "$": "*", "%": "*", "&": "*"})
CYRILLIC = re.compile(r"[а-яё]")
# A word that mixes Cyrillic with Latin letters, digits or «@»: «xyй», «3аебал», «п@дла».
MIXED = re.compile(r"[0-9a-zа-яё@*#$%&]*[а-яё][0-9a-zа-яё@*#$%&]*")
# Single letters joined by separators: «б.л.я», «х-у-й» (three letters at least), «с у к а»
# (four: «а я у него» is ordinary Russian).
SPELT = re.compile(
    r"(?<![\w*])(?:(?:[а-яёa-z*][.\-_'\"`]){2,}|(?:[а-яёa-z*] ){3,})[а-яёa-z*](?![\w*])"
)
# The same in text of any case, for the morphology: «Т У П О Й», «с.в.и.н.ь.и», «К-О-З-Л-Ы».
SPELT_ANY_CASE = re.compile(SPELT.pattern, re.IGNORECASE)
# A separator between two lower-case letters inside a word: «бл.ядь», «ху'йня», «пи_здец».
INSIDE = re.compile(r"(?<=[а-яё*])[.'\"`_-](?=[а-яё*])")
SEPARATORS = re.compile(r"[.\-_'\"` ]")
REPEATS = re.compile(r"([а-яё])\1{2,}")
# «3.14» read as «пи» before letters: «3.14здец».
PI = re.compile(r"3[.,]14(?=[а-яё])")
# A word led and ended by a letter, with look-alikes inside it: «е6аные», «бл9ть», «cyки», «п@дла».
# A word that starts or ends with a digit («3а», «Ленина3») is a house number or a code.
LETTER = "A-Za-zА-Яа-яЁё"
WORD = re.compile(rf"(?<![0-9{LETTER}@])[{LETTER}][0-9{LETTER}@]*[{LETTER}](?![0-9{LETTER}@])")
LATIN = re.compile(r"[a-z]")
# A Cyrillic letter next to a Latin one, a digit or «@»: without one, no word mixes them and
# WORD.sub (a Python call per word) would change nothing.
MIXING = re.compile(r"[А-Яа-яЁё][0-9A-Za-z@]|[0-9A-Za-z@][А-Яа-яЁё]")


def _mixed(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.isdigit() or not CYRILLIC.search(word):
        return word
    return word.translate(LOOKALIKES)


def _unmasked(match: re.Match[str]) -> str:
    word = match.group(0)
    lower = word.lower()
    cyrillic = len(CYRILLIC.findall(lower))
    if cyrillic == 0 or cyrillic == len(word):
        return word
    if any(ord(letter) not in LOOKALIKES for letter in LATIN.findall(lower)):
        return word  # a Latin word with a Russian ending: «iPhoneом», «Wildberriesе»
    shout = word.isupper()
    out = []
    for char in word:
        mapped = LOOKALIKES.get(ord(char.lower()))
        if mapped is None or CYRILLIC.match(char.lower()):
            out.append(char)
        else:
            out.append(str(mapped).upper() if char.isupper() or shout else str(mapped))
    return "".join(out)


def _joined(match: re.Match[str]) -> str:
    spelt = match.group(0)
    word = SEPARATORS.sub("", spelt)
    return word + " " * (len(spelt) - len(word))


def unmask_words(text: str) -> str:
    """Look-alikes inside mostly Cyrillic words undone letter for letter, so the text keeps its
    length (and every offset into it): the morphology then reads «е6аные» as «ебаные». A word
    with a Latin letter that looks like no Cyrillic one is a Latin word, and is left as it is.
    A word spelt out letter by letter («т у п о й», «с.в.и.н.ь.и») is joined, and the spaces
    it saved follow it."""
    text = SPELT_ANY_CASE.sub(_joined, text)
    return WORD.sub(_unmasked, text) if MIXING.search(text) else text


# An e-mail address keeps its «@»: «priemnaya@мэрия.рф» is no mask.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# «@» inside or at the end of a Cyrillic word stands for letters the writer hid: «бл@ть»,
# «оху@ли», «бл@». «…» is no mask there: «Ох… опять», «ну…ладно». «х..» or «х…» alone is one.
HIDDEN = re.compile(r"(?<=[а-яё])@+(?=[а-яё]|(?![\w@]))")
HIDDEN_WORD = re.compile(r"(?<![\w.])х(?:\.\.+|…)(?![\w.])")
# Latin letters typed for the sound in a Cyrillic word, not for the look: «пиzдец», «заеbали»
# («b» looks like «в», which `LOOKALIKES` keeps for the morphology).
SOUNDED = re.compile(r"(?<=[а-яё])[zb]|[zb](?=[а-яё])")
SOUNDS = {"z": "з", "b": "б"}


# Whatever `masked` reads differently from the morphology's text (with «ё» as «е») starts with one
# of these: «@» or «*», «..» or «…», a digit or a Latin letter next to a Cyrillic one («6л9ть»,
# «пиzдец»), «3.14», a separator or a mask between letters, a letter three times, letters spelt
# out with separators. A text with none of them is not read twice by the obscenity patterns.
MAY_HIDE = re.compile(
    r"""[@*]|\.\.|…|[а-яё][0-9a-z]|[0-9a-z][а-яё]|3[.,]14|[а-яё][.'"`_*#$%&-][а-яё]|[#$%&]|([а-яё])\1\1"""
    r"""|(?<![\w*])(?:[а-яёa-z*][.\-_'"`]){2,}""",
    re.IGNORECASE,
)


def may_hide(text: str) -> bool:
    """Whether `masked` may read a word the text hides (see MAY_HIDE)."""
    return MAY_HIDE.search(text) is not None


def masked(text: str) -> str:
    """The text as the obscenity patterns read a filter-dodging spelling: `normalise` with «@»
    inside a Cyrillic word taken for a mask («бл@ть» → «бл*ть», not «блать»), «х..» for «х*», and
    e-mail addresses left out. Offsets are not kept: for matching only."""
    text = EMAIL.sub(" ", text.lower().replace("ё", "е"))
    text = HIDDEN_WORD.sub("х*", HIDDEN.sub("*", text))
    text = SOUNDED.sub(lambda match: SOUNDS[match.group(0)], text)
    return normalise(text)


def normalise(text: str) -> str:
    """Lower case, «ё» as «е», look-alikes and separators undone, masks as «*», a letter
    repeated three times or more («ужжжас») as two."""
    text = PI.sub("пи", text.lower().replace("ё", "е"))
    text = SPELT.sub(lambda match: SEPARATORS.sub("", match.group(0)), text)
    text = MIXED.sub(_mixed, text)
    text = INSIDE.sub("", text)
    text = text.translate(MASKS)
    return REPEATS.sub(r"\1\1", text)
