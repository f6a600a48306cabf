"""The sentence models' answer-level decisions on a labelled file, beside the engine's own.

    python bench/learned_eval.py ../shared/eval/dev.jsonl
    python bench/learned_eval.py ../shared/eval/dev.jsonl --split 79   # rows before/after 79 apart

For each decision the sentence models make (situation, task, action, result, and blame for
negative_about_others): F1 at the shipped threshold, the ROC AUC of the answer's best sentence
(how well it ranks, whatever the threshold), and the engine's F1 as `coach eval` computes it.
The engine uses the models for the STAR parts and still its rules for negativity, so the
blame row shows what the model would give. `--split N` reports rows [0, N) and [N, end) apart:
a part of a file that rules were tuned on can be told from the part nobody tuned on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach.eval import labelled as evaluate  # noqa: E402
from coach.learned.decide import scores  # noqa: E402
from coach.learned.model import sentence_model  # noqa: E402
from coach.rules import offline
from coach.rules.text import Document  # noqa: E402

DECISIONS = {"situation": "situation", "task": "task", "action": "action", "result": "result", "negative_about_others": "blame"}


def f1(guesses: list[bool], truth: list[bool]) -> float:
    tp = sum(g and t for g, t in zip(guesses, truth))
    fp = sum(g and not t for g, t in zip(guesses, truth))
    fn = sum(t and not g for g, t in zip(guesses, truth))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def auc(values: list[float], truth: list[bool]) -> float | None:
    positives = [v for v, t in zip(values, truth) if t]
    negatives = [v for v, t in zip(values, truth) if not t]
    if not positives or not negatives:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def report(name: str, rows) -> None:
    model = sentence_model()
    best = []
    for row in rows:
        scored = scores(Document(row.answer.text, row.answer.question))
        best.append({t: max((s.probabilities[t] for s in scored), default=0.0) for t in DECISIONS.values()})
    engine = [offline.critique(row.answer) for row in rows]
    print(f"\n{name}: {len(rows)} answers")
    print(f"{'label':24}{'support':>8}{'model F1':>10}{'model AUC':>11}{'engine F1':>11}")
    for label, target in DECISIONS.items():
        labelled = [i for i, row in enumerate(rows) if label in row.labels]
        truth = [rows[i].labels[label] for i in labelled]
        values = [best[i][target] for i in labelled]
        model_f1 = f1([v >= model.thresholds[target] for v in values], truth)
        engine_f1 = f1([evaluate.PREDICTORS[label](engine[i]) for i in labelled], truth)
        area = auc(values, truth)
        print(f"{label:24}{sum(truth):>8}{model_f1:>10.3f}{'' if area is None else f'{area:.3f}':>11}{engine_f1:>11.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labelled")
    parser.add_argument("--split", type=int, help="also report rows before and after this one apart")
    args = parser.parse_args()
    with open(args.labelled, encoding="utf-8") as handle:
        rows = evaluate.parse_labelled(handle, args.labelled)
    report("all", rows)
    if args.split:
        report(f"rows 1-{args.split}", rows[: args.split])
        report(f"rows {args.split + 1}-{len(rows)}", rows[args.split :])
    return 0


if __name__ == "__main__":
    sys.exit(main())
