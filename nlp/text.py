"""What the tagger reads of a message: portal HTML turned into plain text, capped in length."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# A tag name after «<» (or «</»): «<p>», «<br/>», «</div >»; «a < b» and «<3» are not markup.
TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?|!--.*?--|![a-zA-Z][^<>]*)>", re.S)
# Whatever sits inside these is not text the citizen wrote.
HIDDEN = re.compile(r"<(script|style|head|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
BLOCK = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|tr|table|h[1-6]|blockquote|section|article)\b[^<>]*|br\s*/?)>",
    re.I,
)
ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
NEWLINES = re.compile(r"\s*\n\s*")


@dataclass(frozen=True, slots=True)
class Prepared:
    """`text` is what the rules and models read; the message keeps its own text untouched."""

    text: str
    markup: bool
    truncated: bool


def has_markup(text: str) -> bool:
    return ("<" in text and TAG.search(text) is not None) or ENTITY.search(text) is not None


def strip_markup(text: str) -> str:
    """Block tags become line breaks, other tags vanish, entities («&nbsp;») become characters."""
    text = HIDDEN.sub(" ", text)
    text = BLOCK.sub("\n", text)
    text = TAG.sub("", text)
    text = html.unescape(text)
    text = SPACES.sub(" ", text)
    return NEWLINES.sub("\n", text).strip()


def cap(text: str, limit: int) -> tuple[str, bool]:
    """The first `limit` characters, cut at the last space before it when there is one nearby."""
    if limit <= 0 or len(text) <= limit:
        return text, False
    cut = text.rfind(" ", max(0, limit - 200), limit)
    return text[: cut if cut > 0 else limit], True


def prepare(text: str, limit: int) -> Prepared:
    # Markup rarely takes more than half of a portal page: cut the raw text first, so a 5 MB
    # page costs no more than a page of `limit` characters.
    raw, cut = cap(text, 4 * limit) if limit > 0 else (text, False)
    markup = has_markup(raw)
    plain = strip_markup(raw) if markup else raw
    capped, truncated = cap(plain, limit)
    return Prepared(capped, markup, truncated or cut)
