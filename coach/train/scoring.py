"""How well scores separate the answers that show a decision from those that don't, and the
thresholds chosen on them: shared by the sentence models, the dodge model and the injection
detector (and bench/quality.py)."""

from __future__ import annotations

from coach.train.corpus import TARGETS, Labelled


def answer_score(probabilities: list[float]) -> float:
    """How strongly an answer shows a decision: its best sentence's probability."""
    return max(probabilities, default=0.0)


def answer_truth(answer: Labelled) -> dict[str, bool]:
    return {target: any(target in tags for tags in answer.labels) for target in TARGETS}


# F-beta is flat near its top (situation: within 0.006 from 0.20 to 0.40 on our corpus), so
# its exact maximum wanders with every batch of corpus answers (0.27 -> 0.40 from one batch of
# 149). The threshold taken is the middle of the thresholds within this much of the best.
PLATEAU = 0.01


def best_threshold(scores: list[float], truth: list[bool], beta: float = 1.0) -> tuple[float, float]:
    """The threshold on an answer's best sentence at the middle of F-beta's top (PLATEAU), and
    the F-beta there."""
    curve = [(step / 100, f1_score([s >= step / 100 for s in scores], truth, beta)) for step in range(5, 96)]
    top = max(f for _, f in curve)
    near = [threshold for threshold, f in curve if f >= top - PLATEAU]
    threshold = near[len(near) // 2]
    return threshold, dict(curve)[threshold]


def precise_threshold(scores: list[float], truth: list[bool], min_precision: float) -> float:
    """The lowest threshold (in steps of 0.01) whose precision reaches `min_precision`."""
    for step in range(5, 100):
        threshold = step / 100
        flagged = [t for s, t in zip(scores, truth) if s >= threshold]
        if flagged and sum(flagged) / len(flagged) >= min_precision:
            return threshold
    return 0.99


def f1_score(guesses: list[bool], truth: list[bool], beta: float = 1.0) -> float:
    """F1, or F-beta: beta < 1 weighs precision above recall."""
    tp = sum(g and t for g, t in zip(guesses, truth))
    fp = sum(g and not t for g, t in zip(guesses, truth))
    fn = sum(t and not g for g, t in zip(guesses, truth))
    b2 = beta * beta
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0


def held_out_f1(scores: list[float], truth: list[bool], groups: list[str]) -> float:
    """F1 over all answers, each group judged with the threshold chosen on the others."""
    guesses: list[bool] = [False] * len(scores)
    for group in set(groups):
        inside = [i for i, g in enumerate(groups) if g == group]
        outside = [i for i, g in enumerate(groups) if g != group]
        threshold, _ = best_threshold([scores[i] for i in outside], [truth[i] for i in outside])
        for i in inside:
            guesses[i] = scores[i] >= threshold
    return f1_score(guesses, truth)
