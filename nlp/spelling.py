"""Undoes the spelling tricks that hide words from a filter: Latin look-alikes, digits for
letters, separators inside a word («б.л.я», «х-у-й», «бл"ядь»), masks («х*й», «п@дла»)."""

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
# A separator between two lower-case letters inside a word: «бл.ядь», «ху'йня», «пи_здец».
INSIDE = re.compile(r"(?<=[а-яё*])[.'\"`_-](?=[а-яё*])")
SEPARATORS = re.compile(r"[.\-_'\"` ]")
REPEATS = re.compile(r"([а-яё])\1{2,}")


def _mixed(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.isdigit() or not CYRILLIC.search(word):
        return word
    return word.translate(LOOKALIKES)


def normalise(text: str) -> str:
    """Lower case, «ё» as «е», look-alikes and separators undone, masks as «*», a letter
    repeated three times or more («ужжжас») as two."""
    text = text.lower().replace("ё", "е")
    text = SPELT.sub(lambda match: SEPARATORS.sub("", match.group(0)), text)
    text = MIXED.sub(_mixed, text)
    text = INSIDE.sub("", text)
    text = text.translate(MASKS)
    return REPEATS.sub(r"\1\1", text)
