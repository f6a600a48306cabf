"""The sentence models (STAR parts and blame) and the dodge model, fitted on the STAR corpus:
the regularisation and thresholds chosen by cross-validation, written to sentence_model.json."""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from coach.learned.dodge import dodge_features
from coach.learned.model import sigmoid
from coach.train.corpus import ENRICHED_REGISTERS, SEED, TARGETS, Labelled, Vocabulary, load_corpus
from coach.train.scoring import answer_score, answer_truth, best_threshold, held_out_f1

C_GRID = (0.1, 0.3, 1.0)
FOLDS = 5


def fit(answers: list[Labelled], c: float | dict[str, float]) -> tuple[Vocabulary, dict]:
    """A model per target on these answers: {target: (bias, weights by feature)}.

    `c` is the inverse regularisation strength, one for all targets or one per target."""
    from sklearn.linear_model import LogisticRegression

    sentences = [f for a in answers for f in a.features]
    vocabulary = Vocabulary(sentences)
    labels = [tags for a in answers for tags in a.labels]
    x = vocabulary.matrix(sentences)
    models = {}
    for target in TARGETS:
        y = [target in tags for tags in labels]
        strength = c[target] if isinstance(c, dict) else c
        model = LogisticRegression(C=strength, max_iter=5000, solver="liblinear", random_state=SEED).fit(x, y)
        models[target] = (float(model.intercept_[0]), model.coef_[0])
    return vocabulary, models


def predict(vocabulary: Vocabulary, models: dict, answer: Labelled) -> dict[str, list[float]]:
    """Per target, the probability of each of the answer's sentences."""
    x = vocabulary.matrix(answer.features)
    return {target: [sigmoid(s) for s in x @ weights + bias] for target, (bias, weights) in models.items()}


def out_of_fold(answers: list[Labelled], groups: list[str], c: float) -> dict[str, dict[str, list[float]]]:
    """Each answer's sentence probabilities from a model that never saw its group."""
    predictions = {}
    for group in sorted(set(groups)):
        train = [a for a, g in zip(answers, groups) if g != group]
        vocabulary, models = fit(train, c)
        for answer, g in zip(answers, groups):
            if g == group:
                predictions[answer.id] = predict(vocabulary, models, answer)
    return predictions


def random_folds(answers: list[Labelled], folds: int = FOLDS) -> list[str]:
    order = list(range(len(answers)))
    random.Random(SEED).shuffle(order)
    groups = [""] * len(answers)
    for rank, i in enumerate(order):
        groups[i] = f"fold{rank % folds}"
    return groups


@dataclass
class Choice:
    """Per target: the C chosen, the answer-level threshold, the held-out F1, and each answer's
    best-sentence probability from the chosen C's models that never saw its register."""

    c: dict[str, float]
    thresholds: dict[str, float]
    f1s: dict[str, float]
    out_of_register: dict[str, dict[str, float]]  # answer id -> target -> probability


def choose(answers: list[Labelled]) -> Choice:
    """Per target, the C whose models hold best on a register they never saw (leave one
    register out), and the answer-level threshold from those out-of-register predictions on
    the registers not enriched for one class."""
    registers = [a.register for a in answers]
    truth = {t: [answer_truth(a)[t] for a in answers] for t in TARGETS}
    best: dict[str, tuple[float, float, float, list[float]]] = {}
    for c in C_GRID:
        predictions = out_of_fold(answers, registers, c)
        for target in TARGETS:
            scores = [answer_score(predictions[a.id][target]) for a in answers]
            f1 = held_out_f1(scores, truth[target], registers)
            if target not in best or f1 > best[target][1]:
                typical = [i for i, r in enumerate(registers) if r not in ENRICHED_REGISTERS]
                threshold, _ = best_threshold([scores[i] for i in typical], [truth[target][i] for i in typical])
                best[target] = (c, f1, threshold, scores)
        print(f"C={c}: " + " ".join(f"{t}={best[t][1]:.3f}@{best[t][0]}" for t in TARGETS), file=sys.stderr)
    return Choice(
        c={t: best[t][0] for t in TARGETS},
        thresholds={t: best[t][2] for t in TARGETS},
        f1s={t: best[t][1] for t in TARGETS},
        out_of_register={a.id: {t: best[t][3][i] for t in TARGETS} for i, a in enumerate(answers)},
    )


def export(vocabulary: Vocabulary, models: dict, c: dict[str, float], thresholds: dict[str, float], answers: int) -> dict:
    weights = {}
    for feature, column in vocabulary.index.items():
        row = [round(float(models[t][1][column]), 4) for t in TARGETS]
        if any(abs(w) >= 0.001 for w in row):
            weights[feature] = row
    return {
        "version": 1,
        "trained_on": {"answers": answers, "corpus": "training/answers", "C": c, "seed": SEED},
        "targets": list(TARGETS),
        "bias": [round(models[t][0], 4) for t in TARGETS],
        "thresholds": {t: thresholds[t] for t in TARGETS},
        "weights": weights,
    }


# --- the dodge model: an answer-level decision from its sentences' features ---------------

DODGE_C = 0.1
DODGE_BETA = 0.5


def fit_dodge(answers: list[Labelled], best: dict[str, dict[str, float]]) -> tuple[float, dict[str, float]]:
    """`best`: each answer's best-sentence probability per STAR part, out of its register (as
    inference sees probabilities from a model fitted without the answer)."""
    from sklearn.linear_model import LogisticRegression

    feature_sets = [dodge_features(a.features, best[a.id]) for a in answers]
    vocabulary = Vocabulary(feature_sets)
    # Dodges are rare (one answer in twenty): weigh them as much as the rest together.
    model = LogisticRegression(C=DODGE_C, max_iter=5000, solver="liblinear", class_weight="balanced", random_state=SEED)
    model.fit(vocabulary.matrix(feature_sets), [a.answer["dodge"] for a in answers])
    return float(model.intercept_[0]), {f: float(model.coef_[0][i]) for f, i in vocabulary.index.items()}


def dodge_score(bias: float, weights: dict[str, float], answer: Labelled, best: dict[str, float]) -> float:
    return sigmoid(bias + sum(weights.get(f, 0.0) for f in dodge_features(answer.features, best)))


def dodge_out_of_register(answers: list[Labelled], best: dict[str, dict[str, float]]) -> dict[str, float]:
    scores = {}
    for register in sorted({a.register for a in answers}):
        bias, weights = fit_dodge([a for a in answers if a.register != register], best)
        scores.update({a.id: dodge_score(bias, weights, a, best[a.id]) for a in answers if a.register == register})
    return scores


def train(out: Path) -> None:
    answers = load_corpus()
    print(f"{len(answers)} answers, {sum(len(a.features) for a in answers)} sentences", file=sys.stderr)
    chosen = choose(answers)
    c, f1s = chosen.c, chosen.f1s
    vocabulary, models = fit(answers, c)
    payload = export(vocabulary, models, c, chosen.thresholds, len(answers))
    # The dodge model reads each part's evidence from models that never saw the answer's register,
    # as a new answer's evidence comes from a model that never saw it.
    best = chosen.out_of_register
    held_out = dodge_out_of_register(answers, best)
    # F0.5, as for blame: a false "you avoided the question" caps a real answer at 25.
    dodge_threshold, dodge_f1 = best_threshold([held_out[a.id] for a in answers], [a.answer["dodge"] for a in answers],
                                               DODGE_BETA)
    bias, weights = fit_dodge(answers, best)
    payload["dodge"] = {"bias": round(bias, 4), "threshold": dodge_threshold,
                        "weights": {f: round(w, 4) for f, w in sorted(weights.items()) if abs(w) >= 0.001}}
    f1s["dodge F0.5"] = dodge_f1
    out.write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, {len(payload['weights'])} features, C={c}, held-out F1 {f1s})", file=sys.stderr)
