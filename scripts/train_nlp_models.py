"""Trains nlp/models/heads.npz: linear softmax heads over navec sentence vectors (mean and max of
the content-lemma vectors natasha already loads) joined with the lexicon rules' signals.

Data: every labelled message the team may tune on, written for this project (data/eval/GUIDE.md):
data/eval/dev.jsonl and holdout.jsonl … holdout10.jsonl (2,450 messages; each holdout was evaluated
once while fresh, before it became training data). Any newer held-aside set is never read here
and must not be added before it has been evaluated once. Deterministic: zero
start, full-batch Adam, fixed steps, fixed CV shuffles; numpy only. Run from the repo root:

    python -m scripts.train_nlp_models            # CV report, then writes the heads
    python -m scripts.train_nlp_models --cv-only  # the report only

For each field the CV compares the rules alone with each head setting on the same folds, and so does
leave-one-set-out (train on the other files, test on the one left out); a head is enabled only when
its best setting beats the rules by MIN_GAIN both in the CV mean and in the leave-one-set-out mean.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.category import OTHER
from nlp.learned import BOOLS, DEFAULT_PATH, HEADS, SENTIMENTS, signal_vector
from nlp.tagger import Tagger, TextItem

DATA = (
    Path("data/eval/dev.jsonl"),
    Path("data/eval/holdout.jsonl"),
    Path("data/eval/holdout2.jsonl"),
    Path("data/eval/holdout3.jsonl"),
    Path("data/eval/holdout4.jsonl"),
    Path("data/eval/holdout5.jsonl"),
    Path("data/eval/holdout6.jsonl"),
    Path("data/eval/holdout7.jsonl"),
    Path("data/eval/holdout8.jsonl"),
    Path("data/eval/holdout9.jsonl"),
    Path("data/eval/holdout10.jsonl"),
)
STEPS = 300
RATE = 0.05
L2S = (0.003, 0.01, 0.03, 0.1)
CATEGORY_WEIGHTS = (0.9, 2.0, 4.0)
# Sentiment and conflict: the head overrules the rules only when its label has this probability.
MARGINS = (0.0, 0.6, 0.75, 0.9)
# A category head may also name a rubric for a message the lexicon left as `other`, from this.
FILLS = (1.1, 0.7, 0.5)
# Column groups of the joined vector: navec mean, navec max, soft lexicon nearness, rule signals.
VIEWS = {
    "mean": ("mean", "signals"),
    "mean+max": ("mean", "max", "signals"),
    "mean+soft": ("mean", "soft", "signals"),
    "mean+max+soft": ("mean", "max", "soft", "signals"),
}
Matrix = npt.NDArray[np.float64]
REPLY_FIELDS = ("formal_reply", "rude_reply")
# A head must beat the rules by this much in both schemes: a gain inside the noise of 2,000
# messages is not worth a model overruling a rule one can read.
MIN_GAIN = 0.005


@dataclass
class Data:
    x: Matrix
    groups: dict[str, slice]
    kinds: list[str]
    scores: list[dict[str, float]]
    rule: dict[str, list[str]]
    gold: dict[str, list[str]]
    categories: tuple[str, ...]
    category_classes: tuple[str, ...]
    sets: list[int]


def load(paths: Sequence[Path], tagger: Tagger) -> Data:
    records = []
    sets = []
    for number, path in enumerate(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                sets.append(number)
                records.append(json.loads(line))
    items = [TextItem(str(r["text"]), str(r.get("kind") or "post")) for r in records]
    inputs: list[Any] = []
    for start in range(0, len(items), 64):
        inputs.extend(tagger.head_inputs(items[start : start + 64]))
    categories = tuple(tagger.categoriser.categories)
    rows = [
        np.concatenate([vector, signal_vector(signals, categories)])
        for _, vector, signals in inputs
    ]
    dim = tagger.embedder.dim
    labels = [r["labels"] for r in records]
    gold_categories = {str(label["category"]) for label in labels}
    return Data(
        x=np.asarray(rows, dtype=np.float64),
        groups={
            "mean": slice(0, dim),
            "max": slice(dim, 2 * dim),
            "soft": slice(2 * dim, tagger.embedder.width),
            "signals": slice(tagger.embedder.width, len(rows[0])),
        },
        kinds=[item.kind for item in items],
        scores=[dict(signals.category_scores) for _, _, signals in inputs],
        rule={
            "category": [t.category for t, _, _ in inputs],
            "sentiment": [t.sentiment for t, _, _ in inputs],
            "conflict": [str(t.conflict).lower() for t, _, _ in inputs],
            "formal_reply": [str(bool(t.formal_reply)).lower() for t, _, _ in inputs],
            "is_complaint": [str(t.is_complaint).lower() for t, _, _ in inputs],
            "rude_reply": [str(bool(t.rude_reply)).lower() for t, _, _ in inputs],
        },
        gold={
            "category": [str(label["category"]) for label in labels],
            "sentiment": [str(label["sentiment"]) for label in labels],
            "conflict": [str(bool(label["conflict"])).lower() for label in labels],
            "formal_reply": [str(bool(label.get("formal_reply"))).lower() for label in labels],
            "is_complaint": [str(bool(label["is_complaint"])).lower() for label in labels],
            "rude_reply": [str(bool(label.get("rude_reply"))).lower() for label in labels],
        },
        categories=categories,
        category_classes=tuple(sorted({*categories, OTHER, *gold_categories})),
        sets=sets,
    )


def columns(data: Data, view: str) -> npt.NDArray[np.int64]:
    return np.concatenate([np.arange(data.x.shape[1])[data.groups[group]] for group in VIEWS[view]])


def fit(x: Matrix, y: Matrix, l2: float) -> tuple[Matrix, Matrix]:
    """Softmax regression, mean cross-entropy plus l2/2·|W|²; x is already standardised."""
    weights = np.zeros((x.shape[1], y.shape[1]))
    bias = np.zeros(y.shape[1])
    moments = [np.zeros_like(param) for param in (weights, weights, bias, bias)]
    for step in range(1, STEPS + 1):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - y) / len(x)
        grads = (x.T @ error + l2 * weights, error.sum(axis=0))
        for index, (param, grad) in enumerate(zip((weights, bias), grads, strict=True)):
            first, second = moments[2 * index], moments[2 * index + 1]
            first *= 0.9
            first += 0.1 * grad
            second *= 0.999
            second += 0.001 * grad * grad
            param -= RATE * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return weights, bias


def standardiser(x: Matrix) -> tuple[Matrix, Matrix]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for name in set(gold) | set(predicted):
        tp = sum(g == p == name for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == name != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == name != p for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def positive_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    tp = sum(g == p == "true" for g, p in zip(gold, predicted, strict=True))
    fp = sum(p == "true" != g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g == "true" != p for g, p in zip(gold, predicted, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


METRICS: dict[str, Callable[[Sequence[str], Sequence[str]], float]] = {
    "category": macro_f1,
    "sentiment": accuracy,
    "conflict": positive_f1,
    "formal_reply": positive_f1,
    "is_complaint": positive_f1,
    "rude_reply": positive_f1,
}


def classes_of(data: Data, field: str) -> tuple[str, ...]:
    if field == "category":
        return data.category_classes
    return SENTIMENTS if field == "sentiment" else BOOLS


def rows_of(data: Data, field: str) -> npt.NDArray[np.int64]:
    """The messages a field is judged on: replies for formal_reply and rude_reply, citizens'
    messages for is_complaint, every message otherwise."""
    if field in REPLY_FIELDS:
        return np.asarray([n for n, kind in enumerate(data.kinds) if kind == "reply"])
    if field == "is_complaint":
        return np.asarray([n for n, kind in enumerate(data.kinds) if kind != "reply"])
    return np.arange(len(data.kinds))


def decide(
    data: Data,
    tagger: Tagger,
    field: str,
    index: int,
    probs: Matrix,
    setting: tuple[float, float],
) -> str:
    """The tagger's own use of a head (Tagger._learned), for one message."""
    classes = classes_of(data, field)
    best = int(np.argmax(probs))
    if field == "category":
        learned = dict(zip(classes, probs.tolist(), strict=True))
        weight, fill = setting
        guess = tagger.categoriser.decide(data.scores[index], learned, weight=weight).category
        if guess == OTHER and classes[best] != OTHER and probs[best] >= fill:
            return classes[best]
        return guess
    replied = data.kinds[index] == "reply"
    if replied != (field in REPLY_FIELDS) or probs[best] < setting[1]:
        return data.rule[field][index]
    return classes[best]


def settings(field: str) -> list[tuple[float, float]]:
    if field == "category":
        return [(weight, fill) for weight in CATEGORY_WEIGHTS for fill in FILLS]
    return [(0.0, margin) for margin in MARGINS]


def splits(
    data: Data, rows: npt.NDArray[np.int64], folds: int, seeds: int
) -> dict[str, list[list[Any]]]:
    """Partitions of `rows` into test parts: `cv` one partition per shuffle, `loso` one per file."""
    cv = []
    for seed in range(seeds):
        order = rows[np.random.RandomState(seed).permutation(len(rows))]
        cv.append([np.sort(order[fold::folds]) for fold in range(folds)])
    sets = np.asarray(data.sets)[rows]
    loso = [[rows[sets == number]] for number in sorted(set(sets.tolist()))]
    return {"cv": cv, "loso": loso}


def cross_validate(
    data: Data, tagger: Tagger, field: str, folds: int, seeds: int
) -> dict[str, dict[str, float]]:
    """Mean metric of the rules and of every (view, l2, setting) of the head: over the CV
    shuffles (`cv`) and over the held-out files of leave-one-set-out (`loso`)."""
    classes = classes_of(data, field)
    gold = data.gold[field]
    rows = rows_of(data, field)
    y = np.eye(len(classes))[[classes.index(label) for label in gold]]
    results: dict[str, dict[str, list[float]]] = {}
    for scheme, partitions in splits(data, rows, folds, seeds).items():
        for partition in partitions:
            predicted: dict[str, list[str]] = {"rules": list(data.rule[field])}
            tested = np.sort(np.concatenate(partition))
            for test in partition:
                train = np.setdiff1d(rows, test)
                for view in VIEWS:
                    x = data.x[:, columns(data, view)]
                    mean, scale = standardiser(x[train])
                    z = (x - mean) / scale
                    for l2 in L2S:
                        weights, bias = fit(z[train], y[train], l2)
                        logits = z[test] @ weights + bias
                        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
                        probs /= probs.sum(axis=1, keepdims=True)
                        for setting in settings(field):
                            key = f"{view} l2={l2} w={setting[0]} m={setting[1]}"
                            out = predicted.setdefault(key, list(data.rule[field]))
                            for row, index in enumerate(test.tolist()):
                                out[index] = decide(data, tagger, field, index, probs[row], setting)
            # CV: one score per shuffle over all rows; LOSO: one score per held-out file.
            parts = [tested] if scheme == "cv" else partition
            for key, out in predicted.items():
                for part in parts:
                    score = METRICS[field]([gold[i] for i in part], [out[i] for i in part])
                    results.setdefault(key, {}).setdefault(scheme, []).append(score)
    return {
        key: {scheme: round(float(np.mean(values)), 4) for scheme, values in schemes.items()}
        for key, schemes in results.items()
    }


def digest(paths: Sequence[Path]) -> dict[str, str]:
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest()[:16] for path in paths}


def parse(key: str) -> tuple[str, float, float, float]:
    view, l2, weight, margin = (part.split("=")[-1] for part in key.split(" "))
    return view, float(l2), float(weight), float(margin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, nargs="+", default=list(DATA))
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3, help="CV repeats with other shuffles")
    parser.add_argument("--cv-only", action="store_true")
    args = parser.parse_args()
    tagger = Tagger(heads=False)
    data = load(args.data, tagger)
    chosen: dict[str, tuple[str, float, float, float]] = {}
    report: dict[str, Any] = {}
    enabled = []
    for field in HEADS:
        scores = cross_validate(data, tagger, field, args.folds, args.seeds)
        # Chosen by the sum of both schemes, so no setting wins on one split's luck alone.
        best = max(
            (key for key in scores if key != "rules"),
            key=lambda key: scores[key]["cv"] + scores[key]["loso"],
        )
        rules, head = scores["rules"], scores[best]
        better = head["cv"] >= rules["cv"] + MIN_GAIN and head["loso"] >= rules["loso"] + MIN_GAIN
        report[field] = {"rules": rules, "head": head, "setting": best, "enabled": better}
        print(f"{field}: rules {rules} vs head {head} ({best}); on: {better}", flush=True)
        chosen[field] = parse(best)
        if better:
            enabled.append(field)
    if args.cv_only:
        return
    # One standardisation for all heads; a head on the narrower view gets zero weights elsewhere.
    mean, scale = standardiser(data.x)
    z = (data.x - mean) / scale
    arrays: dict[str, Any] = {}
    for field in HEADS:
        view, l2, weight, margin = chosen[field]
        classes = classes_of(data, field)
        y = np.eye(len(classes))[[classes.index(label) for label in data.gold[field]]]
        picked = columns(data, view)
        rows = rows_of(data, field)
        part, bias = fit(z[np.ix_(rows, picked)], y[rows], l2)
        weights = np.zeros((data.x.shape[1], len(classes)))
        weights[picked] = part
        arrays[f"{field}_classes"] = np.asarray(classes)
        arrays[f"{field}_weights"] = weights.astype(np.float32)
        arrays[f"{field}_bias"] = bias.astype(np.float32)
        arrays[f"{field}_margin"] = np.float32(margin)
        if field == "category":
            arrays["category_weight"] = np.float32(weight)
    meta = {
        "trained_by": "scripts/train_nlp_models.py",
        "data": digest(args.data),
        "messages": len(data.gold["category"]),
        "steps": STEPS,
        "rate": RATE,
        "cv": report,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        categories=np.asarray(data.categories),
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        enabled=np.asarray(enabled, dtype=str),
        lexicons=np.asarray(tagger.embedder.lexicons),
        meta=np.asarray(json.dumps(meta, ensure_ascii=False)),
        **arrays,
    )
    print(f"enabled: {enabled}; written {args.out}")


if __name__ == "__main__":
    main()
