"""Variants of the sentiment head's training, side by side: what each gives on the validation
fifth (one text in five of the training parts, scripts/nlp_training/table.py `validation`) and on
OpenSentimentCorpus's held-out fifth (nlp/corpora.py `held_out`, the figure `mcu eval` reports).

Only the sentiment head is fitted, with the settings of scripts/nlp_training/fit.py unless the
variant says otherwise, and it is scored alone (no rules after it, float weights). The corpus
sentences are read as posts when scored, as `mcu eval` reads them. Nothing here is shipped: it
shows how far each change moves the figures, next to the noise of one sentence.

    python -m scripts.sentiment_variants --cache /tmp/variants [--only NAME …]
"""

from __future__ import annotations

import argparse
import csv
import difflib
import pickle
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from nlp.corpora import SENTIMENT, SENTIMENT_FILE, read_sentiment
from nlp.hashing import DIM
from nlp.textmodel import CLIP
from scripts.nlp_training.corpus import Sample, load_corpus
from scripts.nlp_training.fit import (
    HEADS,
    Fitted,
    Index,
    _predict,
    _setting,
    _standardised,
    _subset,
    f1_pn,
    fit_head,
    read_as_posts,
)
from scripts.nlp_training.table import Matrix, Table, build_table

AGREED_FILE = "opensentimentcorpus-final-by-total-agreement-with-expert-validation.csv"
OSC = "opensentimentcorpus"
OWN = ("project", "written")


@dataclass(frozen=True)
class Variant:
    name: str
    settings: str
    fit: dict[str, Any] = field(default_factory=dict)
    # Per picked row: its weight (0 leaves it out).
    weight: Callable[[Index], Matrix] | None = None
    # NB log-count ratio scaling of the n-grams, to this power (Wang & Manning 2012).
    nb_power: float = 0.0
    # Every n-th corpus sentence read as a post while training.
    posted: int = 0


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-zа-я]+", "", text.lower().replace("ё", "е"))


def agreed(root: Path, train: list[str]) -> list[bool]:
    """Per training sentence: also in the file of total agreement (experts' check), whose texts
    were lightly edited, so unmatched ones are looked up by similarity (cutoff 0.9)."""
    with (root / SENTIMENT / AGREED_FILE).open(encoding="utf-8", newline="") as handle:
        agreed_keys = {_key(row["Sentence"]) for row in csv.DictReader(handle)}
    keys = [_key(text) for text in train]
    found = {key for key in keys if key in agreed_keys}
    unmatched = [key for key in keys if key not in agreed_keys]
    for key in agreed_keys - set(keys):
        close = difflib.get_close_matches(key, unmatched, n=1, cutoff=0.9)
        if close:
            found.add(close[0])
    return [key in found for key in keys]


def _nb_scale(table: Table, picked: Index, y: Matrix, power: float) -> Matrix:
    """Per bucket: the largest |log-count ratio| of a class against the rest, mean 1 over the
    buckets in use, to `power`."""
    buckets, _, rows = _subset(table, picked)
    classes = y.argmax(axis=1)[rows]
    counts = np.stack([np.bincount(buckets[classes == c], minlength=DIM) for c in range(3)], 1)
    totals = counts.sum(axis=0)
    scale = np.zeros(DIM)
    for c in range(3):
        inside = (counts[:, c] + 1.0) / (totals[c] + DIM)
        outside = (counts.sum(axis=1) - counts[:, c] + 1.0) / (totals.sum() - totals[c] + DIM)
        scale = np.maximum(scale, np.abs(np.log(inside / outside)))
    result: Matrix = (scale / scale[np.unique(buckets)].mean()) ** power
    return result


def _f1_pn(gold: Matrix, probs: Matrix) -> float:
    return round(f1_pn(gold > 0.5, np.eye(3)[probs.argmax(axis=1)] > 0.5), 3)


@dataclass(frozen=True)
class Inputs:
    """The dense inputs every variant shares, computed once: the standardised training rows,
    the same with the corpus sentences read as posts (scoring), and the held-out rows."""

    z: Matrix
    mean: Matrix
    scale: Matrix
    as_posts: Matrix
    test: Matrix

    @classmethod
    def of(cls, table: Table, test: Table) -> Inputs:
        z, mean, scale = _standardised(table)
        held_out = np.clip((test.dense - mean) / scale, -CLIP, CLIP)
        return cls(z, mean, scale, read_as_posts(table, z, mean, scale, OSC, 1), held_out)


def variants(table: Table, agreement: npt.NDArray[np.bool_]) -> list[Variant]:
    sources = np.asarray(table.sources)

    def by_source(source: str, value: float) -> Callable[[Index], Matrix]:
        return lambda picked: np.where(sources[picked] == source, value, 1.0)

    def majority_only(value: float) -> Callable[[Index], Matrix]:
        return lambda picked: np.where(agreement[picked], 1.0, value)

    return [
        Variant("base", "as shipped: l2 3e-5/3e-5, gain 3, 250 steps"),
        Variant("steps150", "150 steps", {"steps": 150}),
        Variant("steps400", "400 steps", {"steps": 400}),
        Variant("balance", "class balance 0.5", {"balance": 0.5}),
        Variant(
            "majority0.5", "sentences without total agreement weigh 0.5", {}, majority_only(0.5)
        ),
        Variant("agreed-only", "only sentences with total agreement", {}, majority_only(0.0)),
        Variant("osc1.5", "corpus sentences weigh 1.5", {}, by_source(OSC, 1.5)),
        Variant("osc2", "corpus sentences weigh 2", {}, by_source(OSC, 2.0)),
        Variant("osc3", "corpus sentences weigh 3", {}, by_source(OSC, 3.0)),
        Variant(
            "toxic0.5",
            "toxic comments as negative weigh 0.5",
            {},
            by_source("ruparadetox-negative", 0.5),
        ),
        Variant("nb1", "NB log-count ratio scaling, power 1", nb_power=1.0),
        Variant("nb0.5", "NB log-count ratio scaling, power 0.5", nb_power=0.5),
        Variant("posted1", "every corpus sentence read as a post in training", posted=1),
        Variant("posted4", "every fourth corpus sentence read as a post", posted=4),
    ]


def score(
    table: Table,
    test: Table,
    shared: Inputs,
    agreement: npt.NDArray[np.bool_],
    variant: Variant,
) -> tuple[float, float, float]:
    """(corpus validation, own validation, corpus held-out) F1± of the head alone."""
    _, kind, l2 = next(head for head in HEADS if head[0] == "sentiment")
    pair, balance, steps, gain = _setting(l2)
    options: dict[str, Any] = {"balance": balance, "steps": steps, "gain": gain, **variant.fit}
    inputs = shared.z
    if variant.posted:
        inputs = read_as_posts(table, shared.z, shared.mean, shared.scale, OSC, variant.posted)
    picked, y = table.target("sentiment")
    weights = variant.weight(picked) if variant.weight else np.ones(len(picked))
    kept = weights > 0
    validation = table.held_out[picked]

    def fitted(rows: npt.NDArray[np.bool_]) -> Fitted:
        chosen = rows & kept
        bucket_scale = (
            _nb_scale(table, picked[chosen], y[chosen], variant.nb_power)
            if variant.nb_power
            else None
        )
        return fit_head(
            table,
            inputs,
            picked[chosen],
            y[chosen],
            kind,
            pair,
            weights=weights[chosen],
            bucket_scale=bucket_scale,
            **options,
        )

    first = fitted(~validation)
    probs = _predict(table, shared.as_posts, first, picked[validation], kind)
    sources = np.asarray(table.sources)[picked[validation]]
    corpus, own = sources == OSC, np.isin(sources, OWN)
    gold = y[validation]
    test_picked, test_y = test.target("sentiment")
    held_out = _predict(
        test, shared.test, fitted(np.ones(len(picked), dtype=bool)), test_picked, kind
    )
    return (
        _f1_pn(gold[corpus], probs[corpus]),
        _f1_pn(gold[own], probs[own]),
        _f1_pn(test_y, held_out),
    )


def _tables(root: Path, cache: Path | None) -> tuple[Table, Table]:
    if cache and (cache / "train.pkl").exists():
        return pickle.loads((cache / "train.pkl").read_bytes()), pickle.loads(
            (cache / "test.pkl").read_bytes()
        )
    sentences = read_sentiment(root / SENTIMENT / SENTIMENT_FILE, part="test")
    test = build_table([Sample(one, f"{OSC}-test") for one in sentences])
    table = build_table(load_corpus(root))
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / "train.pkl").write_bytes(pickle.dumps(table))
        (cache / "test.pkl").write_bytes(pickle.dumps(test))
    return table, test


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--cache", type=Path, help="keep the tagged tables here")
    parser.add_argument("--only", nargs="*", help="variant names (all by default)")
    args = parser.parse_args()
    with threadpool_limits(limits=1):
        table, test = _tables(args.datasets, args.cache)
        train = [
            e.text for e in read_sentiment(args.datasets / SENTIMENT / SENTIMENT_FILE, "train")
        ]
        agreement = np.ones(len(table.sources), dtype=bool)
        agreement[np.flatnonzero(np.asarray(table.sources) == OSC)] = agreed(args.datasets, train)
        shared = Inputs.of(table, test)
        print("| variant | settings | corpus validation | own validation | corpus held-out |")
        print("|---|---|---|---|---|")
        for variant in variants(table, agreement):
            if args.only and variant.name not in args.only:
                continue
            corpus, own, held_out = score(table, test, shared, agreement, variant)
            print(
                f"| {variant.name} | {variant.settings} | {corpus} | {own} | {held_out} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
