"""How well the offline engine's sentence models hold on answers they were not fitted to.

    python bench/quality.py            # needs the train extra: pip install '.[train]'

Two cross-validations over the training corpus (training/answers), answer-level F1 per decision:
- in-register: 5 random folds over all answers (every register seen in training);
- leave-one-register-out: fit on all registers but one, test on that one (a register the models
  never saw: another way of speaking, other walks of life).
In both, each decision's threshold is chosen on out-of-fold predictions of the *other* folds,
never on the fold being scored. The gap between the two is the honest measure of how far the
models generalise; `coach eval ../shared/eval/dev.jsonl` gives the figure on real answers.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach.learned.model import MODEL_FILE  # noqa: E402
from coach.train import corpus, scoring, sentences  # noqa: E402


def _scored(answers, groups, c):
    predictions = sentences.out_of_fold(answers, groups, c)
    return {a.id: {t: scoring.answer_score(predictions[a.id][t]) for t in corpus.TARGETS} for a in answers}


def _f1_per_group(answers, groups, scores) -> dict[str, dict[str, float]]:
    """F1 per target for each group, its threshold chosen on all the other groups."""
    out = {}
    for group in sorted(set(groups)):
        inside = [a for a, g in zip(answers, groups) if g == group]
        outside = [a for a, g in zip(answers, groups) if g != group]
        out[group] = {}
        for target in corpus.TARGETS:
            threshold, _ = scoring.best_threshold([scores[a.id][target] for a in outside], [scoring.answer_truth(a)[target] for a in outside])
            guesses = [scores[a.id][target] >= threshold for a in inside]
            out[group][target] = scoring.f1_score(guesses, [scoring.answer_truth(a)[target] for a in inside])
    return out


def _pooled_f1(answers, groups, scores) -> dict[str, float]:
    """F1 per target over all answers, each scored with the threshold its group got."""
    result = {}
    for target in corpus.TARGETS:
        guesses, truth = [], []
        for group in sorted(set(groups)):
            inside = [a for a, g in zip(answers, groups) if g == group]
            outside = [a for a, g in zip(answers, groups) if g != group]
            threshold, _ = scoring.best_threshold([scores[a.id][target] for a in outside], [scoring.answer_truth(a)[target] for a in outside])
            guesses += [scores[a.id][target] >= threshold for a in inside]
            truth += [scoring.answer_truth(a)[target] for a in inside]
        result[target] = scoring.f1_score(guesses, truth)
    return result


def main() -> int:
    answers = corpus.load_corpus()
    import json

    c = json.loads((corpus.DATA / MODEL_FILE).read_text(encoding="utf-8"))["trained_on"]["C"]
    registers = [a.register for a in answers]
    random_groups = sentences.random_folds(answers)
    in_register = _pooled_f1(answers, random_groups, _scored(answers, random_groups, c))
    loro_scores = _scored(answers, registers, c)
    left_out = _pooled_f1(answers, registers, loro_scores)
    per_register = _f1_per_group(answers, registers, loro_scores)
    print(f"{len(answers)} answers in {len(set(registers))} registers; C={c}\n")
    print(f"{'decision':12}{'in-register':>13}{'register left out':>19}{'gap':>7}")
    for target in corpus.TARGETS:
        gap = in_register[target] - left_out[target]
        print(f"{target:12}{in_register[target]:>13.3f}{left_out[target]:>19.3f}{gap:>7.3f}")
    print("\nF1 on each register when it was left out of training:")
    print(f"{'register':18}" + "".join(f"{t:>11}" for t in corpus.TARGETS))
    for register, f1s in per_register.items():
        print(f"{register:18}" + "".join(f"{f1s[t]:>11.3f}" for t in corpus.TARGETS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
