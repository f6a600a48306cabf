"""Train the offline engine's sentence models from the corpus in training/ (issue 10).

    pip install '.[train]'
    python -m coach.train clusters      # word -> cluster table from static embeddings (wordllama)
    python -m coach.train               # the sentence models -> coach/data/sentence_model.json
    python -m coach.train injection     # the injection detector -> coach/data/injection_model.json

Reproducible: fixed seeds, sorted inputs. Needs scikit-learn (and wordllama for clusters), which
only this command imports: inference (coach/learned/model.py) is plain Python.

One logistic regression per decision, over coach.learned.features. A sentence's labels come
from the corpus units it overlaps once the answer is split the way the engine splits it, so
training sees the sentences inference will see. The answer-level threshold of each decision
(a part is present when its best sentence reaches it) is chosen on out-of-fold predictions.

The corpus and its feature matrix are `corpus`, F-scores and threshold choice `scoring`, the
sentence and dodge models `sentences`, the injection detector `injection`, the word clusters
`clusters`; `main` is the command line.
"""

from __future__ import annotations

import argparse

from coach.learned.features import CLUSTER_FILE
from coach.learned.model import MODEL_FILE
from coach.train.clusters import build_clusters
from coach.train.corpus import DATA
from coach.train.injection import train_injection
from coach.train.sentences import train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coach.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=["models", "clusters", "injection"], default="models")
    args = parser.parse_args(argv)
    if args.what == "clusters":
        build_clusters(DATA / CLUSTER_FILE)
    elif args.what == "injection":
        from coach.learned.steering import MODEL_FILE as INJECTION_FILE

        train_injection(DATA / INJECTION_FILE)
    else:
        train(DATA / MODEL_FILE)
    return 0
