"""Labelled text from files: the project's JSONL sets and the shared real-text datasets.

Each reader yields `Example`s whose `labels` hold only the fields that source labels, so the
evaluation scores a source on what it knows and nothing else. The shared datasets
(../shared/datasets/README.md) are read in place, never copied into the repository.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOXICITY = "toxicity-ruparadetox"
SENTIMENT = "sentiment-opensentimentcorpus"
NER = "ner-factrueval2016"
SENTIMENT_FILE = "opensentimentcorpus-final-by-majority.csv"
# One sentence in five (by a hash of its text) is held out of training and reported.
HELD_OUT_BUCKETS = 5
ENTITY_TYPES = {"Person": "PER", "Location": "LOC", "LocOrg": "LOC", "Org": "ORG"}


class CorpusError(ValueError):
    """A labelled file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    text: str
    kind: str = "post"
    labels: dict[str, Any] = field(default_factory=dict)


def held_out(text: str) -> bool:
    """The deterministic test part of a dataset without its own split."""
    key = " ".join(text.lower().replace("ё", "е").split())
    return hashlib.sha256(key.encode("utf-8")).digest()[0] % HELD_OUT_BUCKETS == 0


def read_jsonl(path: Path) -> list[Example]:
    """The project's format (data/eval/GUIDE.md): `text`, optional `kind`, `labels`."""
    examples = []
    for number, line in enumerate(_lines(path), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            raise CorpusError(f"{path}:{number}: строка не является JSON: {error}") from error
        if not isinstance(record, dict) or not isinstance(record.get("labels"), dict):
            raise CorpusError(f"{path}:{number}: нет полей text и labels")
        if not isinstance(record.get("text"), str):
            raise CorpusError(f"{path}:{number}: нет поля text")
        kind = record.get("kind")
        examples.append(
            Example(record["text"], kind if isinstance(kind, str) else "post", record["labels"])
        )
    return examples


def read_paradetox(path: Path, paraphrases: bool = True) -> list[Example]:
    """RuParaDetox: each toxic comment (toxic) and its people-written paraphrases (not toxic)."""
    examples = []
    for row in _table(path, "\t"):
        toxic = (row.get("toxic_comment") or "").strip()
        if toxic:
            examples.append(Example(toxic, "comment", {"toxic": True}))
        if not paraphrases:
            continue
        for name in ("neutral_comment1", "neutral_comment2", "neutral_comment3"):
            neutral = (row.get(name) or "").strip()
            if neutral:
                examples.append(Example(neutral, "comment", {"toxic": False}))
    return examples


def read_sentiment(path: Path, part: str = "all") -> list[Example]:
    """OpenSentimentCorpus sentences; `mixed` has no place in three classes and is left out.
    `part`: all, train (never the held-out fifth) or test (only it)."""
    examples = []
    for row in _table(path, ","):
        text, label = (row.get("Sentence") or "").strip(), (row.get("Sentiment") or "").strip()
        if not text or label not in {"negative", "neutral", "positive"}:
            continue
        if part != "all" and held_out(text) != (part == "test"):
            continue
        examples.append(Example(text, "post", {"sentiment": label}))
    return examples


def read_factrueval(folder: Path) -> list[Example]:
    """factRuEval-2016 documents with their PER/LOC/ORG mentions as written in the text."""
    examples = []
    for text_path in sorted(folder.glob("*.txt")):
        if not text_path.with_suffix(".objects").exists():
            continue
        text = text_path.read_text(encoding="utf-8")
        spans = {}
        for line in _lines(text_path.with_suffix(".spans")):
            parts = line.split()
            if len(parts) >= 4:
                spans[parts[0]] = (int(parts[2]), int(parts[2]) + int(parts[3]))
        entities = []
        for line in _lines(text_path.with_suffix(".objects")):
            parts = line.split("#")[0].split()
            kind = ENTITY_TYPES.get(parts[1]) if len(parts) > 2 else None
            bounds = [spans[one] for one in parts[2:] if one in spans]
            if kind and bounds:
                start, stop = min(b[0] for b in bounds), max(b[1] for b in bounds)
                entities.append({"type": kind, "text": text[start:stop]})
        examples.append(Example(text, "post", {"entities_text": entities}))
    return examples


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CorpusError(f"{path}: не удаётся прочитать: {error}") from error


def _table(path: Path, delimiter: str) -> Iterator[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle, delimiter=delimiter)
    except OSError as error:
        raise CorpusError(f"{path}: не удаётся прочитать: {error}") from error


def datasets(root: Path) -> dict[str, tuple[Path, str]]:
    """The named held-out sources of `mcu eval --dataset`: name → (path, reader)."""
    return {
        "toxicity-dev": (root / TOXICITY / "dev.tsv", "paradetox"),
        "toxicity-test": (root / TOXICITY / "test.tsv", "paradetox"),
        "sentiment-test": (root / SENTIMENT / SENTIMENT_FILE, "sentiment-test"),
        "ner-dev": (root / NER / "devset", "factrueval"),
        "ner-test": (root / NER / "testset", "factrueval"),
    }


def read_source(path: Path, reader: str | None = None) -> list[Example]:
    """Reads one labelled source; the reader follows from the file when not named."""
    reader = reader or _guess(path)
    if reader == "jsonl":
        return read_jsonl(path)
    if reader == "paradetox":
        return read_paradetox(path)
    if reader in {"sentiment", "sentiment-test"}:
        # The shared corpus itself: only its held-out fifth; any other file of its shape: all.
        own = reader == "sentiment-test" or path.name == SENTIMENT_FILE
        return read_sentiment(path, "test" if own else "all")
    if reader == "factrueval":
        return read_factrueval(path)
    raise CorpusError(f"{path}: неизвестный формат размеченного файла")


def _guess(path: Path) -> str:
    if path.is_dir():
        return "factrueval"
    if path.suffix == ".tsv":
        return "paradetox"
    if path.suffix == ".csv":
        return "sentiment"
    return "jsonl"
