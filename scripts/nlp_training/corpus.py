"""Every labelled text the heads learn from, in a fixed order, with its source's name."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nlp.config import load_config
from nlp.corpora import (
    SENTIMENT,
    SENTIMENT_FILE,
    TOXICITY,
    Example,
    read_jsonl,
    read_paradetox,
    read_sentiment,
)
from nlp.learned import SENTENCE

PROJECT = tuple(
    Path(f"data/eval/{name}.jsonl")
    for name in (
        "dev",
        "holdout",
        *(f"holdout{n}" for n in range(2, 11)),
        "realworld",
        "realworld2",
    )
)
WRITTEN = Path("data/train")
SEED = 20261205
# Toxic comments also taken as negative sentiment: a sample, so they do not swamp the classes.
TOXIC_AS_NEGATIVE = 1500
MASKED_SHARE = 0.35
LOOKALIKE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k"}
DIGITS = {"з": "3", "о": "0", "б": "6", "ч": "4", "я": "9"}
LICENCES = {
    "ruparadetox": "openrail++ (s-nlp/ru_paradetox); Dementieva et al., RUSSE-2022",
    "opensentimentcorpus": "CC BY-SA 3.0; Poletaev, Paramonov, Boychuk 2023",
    "project": "written for this project (data/eval)",
    "written": "written for this project (data/train)",
}


@dataclass(frozen=True)
class Sample:
    """`origin`: the text a respelt sample was made from, so both fall on one side of a split."""

    example: Example
    source: str
    origin: str = ""

    @property
    def key(self) -> str:
        return self.origin or self.example.text


def _mask_word(word: str, rng: np.random.Generator) -> str:
    """One of the spellings people use to get an obscene word past a filter."""
    style = int(rng.integers(5))
    inner = range(1, max(2, len(word) - 1))
    if style == 0:
        return word[0] + "*" * (len(word) - 2) + word[-1] if len(word) > 2 else word[0] + "*"
    if style == 1:
        position = int(rng.choice(list(inner)))
        return word[:position] + "*" + word[position + 1 :]
    if style == 2:
        return ".".join(word) if len(word) <= 6 else word[:2] + "." + word[2:]
    if style == 3:
        return "".join(LOOKALIKE.get(letter, letter) for letter in word)
    return "".join(DIGITS.get(letter, letter) for letter in word)


def masked(text: str, patterns: list[re.Pattern[str]], rng: np.random.Generator) -> str | None:
    """The text with its obscene words respelt; None when none was found."""
    changed = False
    words = text.split(" ")
    for number, word in enumerate(words):
        if any(pattern.search(word.lower()) for pattern in patterns):
            words[number] = _mask_word(word, rng)
            changed = True
    return " ".join(words) if changed else None


def _paradetox(root: Path) -> list[Sample]:
    rng = np.random.default_rng(SEED)
    patterns = list(load_config().regexes("obscene"))
    examples = read_paradetox(root / TOXICITY / "train.tsv")
    samples = [Sample(example, "ruparadetox") for example in examples]
    toxic = [example for example in examples if example.labels["toxic"]]
    for example in toxic:
        if rng.random() < MASKED_SHARE:
            respelt = masked(example.text, patterns, rng)
            if respelt is not None:
                masked_example = replace(example, text=respelt)
                samples.append(Sample(masked_example, "ruparadetox-masked", example.text))
    picked = rng.choice(len(toxic), size=min(TOXIC_AS_NEGATIVE, len(toxic)), replace=False)
    for index in sorted(picked.tolist()):
        labels = {"toxic": True, "sentiment": "negative"}
        samples.append(Sample(replace(toxic[index], labels=labels), "ruparadetox-negative"))
    return samples


def _sentiment(root: Path) -> list[Sample]:
    examples = read_sentiment(root / SENTIMENT / SENTIMENT_FILE, part="train")
    # Sentences of essays and news carry no insult and are no conflict situation addressed to the
    # municipality: they teach what is not toxic and not a conflict, too (news of protests and
    # courts included, which a conflict head learned from the project's sets alone took for one).
    quiet = {"toxic": False, "conflict": False, "conflict_reasons": []}
    return [
        Sample(
            replace(example, kind=SENTENCE, labels={**example.labels, **quiet}),
            "opensentimentcorpus",
        )
        for example in examples
    ]


def _labelled(example: Example) -> Example:
    """Replies: conflict means a rude reply, which its own head learns from `rude_reply`; the
    conflict, complaint and sentiment heads are about citizens' messages (a reply's sentiment
    follows its rudeness: nlp/sentiment.py)."""
    if example.kind != "reply":
        return example
    labels = dict(example.labels)
    for name in ("conflict_reasons", "is_complaint", "sentiment"):
        labels.pop(name, None)
    return replace(example, labels=labels)


def _project() -> list[Sample]:
    return [
        Sample(_labelled(example), "project") for path in PROJECT for example in read_jsonl(path)
    ]


def _written() -> list[Sample]:
    return [
        Sample(_labelled(example), "written")
        for path in sorted(WRITTEN.glob("*.jsonl"))
        for example in read_jsonl(path)
    ]


def load_corpus(root: Path) -> list[Sample]:
    """Fixed order: RuParaDetox, OpenSentimentCorpus, the project's sets, data/train."""
    if not (root / TOXICITY).is_dir() or not (root / SENTIMENT).is_dir():
        raise SystemExit(f"{root}: нет общих наборов {TOXICITY} и {SENTIMENT}")
    return [*_paradetox(root), *_sentiment(root), *_project(), *_written()]
