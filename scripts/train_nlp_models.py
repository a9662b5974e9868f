"""Trains nlp/models/text.npz, the tagger's learned heads (nlp/textmodel.py).

Sources (only what is learned from them lands in the repository, named in the file's `meta`):
- RuParaDetox train.tsv (../shared/datasets/toxicity-ruparadetox; openrail++, Dementieva et al.,
  RUSSE-2022): toxic comments and their people-written neutral paraphrases; the toxic ones also
  in masked spellings made here (`*`, `.`, Latin look-alikes, digits) and, a sample, as negative.
- OpenSentimentCorpus (../shared/datasets/sentiment-opensentimentcorpus; CC BY-SA 3.0, Poletaev
  et al. 2023), final-by-majority, without its held-out fifth (nlp/corpora.py `held_out`).
- The project's sets data/eval/dev.jsonl, holdout … holdout10.jsonl, realworld.jsonl,
  realworld2.jsonl (written for the project; the realworld sets by separate writers);
  holdout11.jsonl stays out, as the project-style set nothing was trained on.
- data/train/*.jsonl: appeals by rubricator subcategory, short posts, insults and conflict
  intents written for this project (data/train/README.md).
Never read: dev.tsv / test.tsv of RuParaDetox, the held-out fifth of OpenSentimentCorpus,
factRuEval-2016 (NER checks only).

Deterministic: fixed data order, fixed augmentation seed, full-batch Adam with fixed steps, one
BLAS thread, a zip written with fixed timestamps. Run from the repo root:

    python -m scripts.train_nlp_models            # train, report, write the weights
    python -m scripts.train_nlp_models --check    # retrain and compare with the shipped file
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

from threadpoolctl import threadpool_limits

from nlp.textmodel import default_path
from scripts.nlp_training.corpus import load_corpus
from scripts.nlp_training.fit import fit_model, report
from scripts.nlp_training.npz import write_npz
from scripts.nlp_training.table import build_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--out", type=Path, default=default_path())
    parser.add_argument("--check", action="store_true", help="retrain and compare byte for byte")
    parser.add_argument("--validate", action="store_true", help="held-out report only")
    parser.add_argument("--cache", type=Path, help="keep the tagged table here (experiments)")
    args = parser.parse_args()
    with threadpool_limits(limits=1):
        if args.cache and args.cache.exists():
            table = pickle.loads(args.cache.read_bytes())
        else:
            table = build_table(load_corpus(args.datasets))
            if args.cache:
                args.cache.write_bytes(pickle.dumps(table))
        if args.validate:
            report(table)
            return 0
        arrays = fit_model(table)
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            fresh = Path(folder) / args.out.name
            write_npz(fresh, arrays)
            same = fresh.read_bytes() == args.out.read_bytes()
        print(f"{args.out}: {'the same bytes' if same else 'DIFFERENT from a fresh training'}")
        return 0 if same else 1
    write_npz(args.out, arrays)
    print(f"written {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
