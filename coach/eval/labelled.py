"""Measuring the offline engine against labelled answers (the format of shared/eval)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coach.models import Answer, Critique

# How each label is read off a critique.
PREDICTORS: dict[str, Callable[[Critique], bool]] = {
    "situation": lambda c: c.star.situation.present,
    "task": lambda c: c.star.task.present,
    "action": lambda c: c.star.action.present,
    "result": lambda c: c.star.result.present,
    "quantified": lambda c: c.checks.specificity.quantified,
    "negative_about_others": lambda c: c.checks.negativity.flagged,
    "rambling": lambda c: c.checks.rambling.flagged,
}


class BadLabelledFile(Exception):
    """The labelled file is not in the expected format; the message is one line."""


@dataclass
class LabelledAnswer:
    id: str
    answer: Answer
    labels: dict[str, bool]
    source_label: str | None


@dataclass
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int
    true_positive: int
    false_positive: int
    false_negative: int


def parse_labelled(lines: Iterable[str], name: str) -> list[LabelledAnswer]:
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not isinstance(data.get("labels", {}), dict):
                raise ValueError("expected an object with an object of labels")
            rows.append(
                LabelledAnswer(
                    id=str(data.get("id", number)),
                    answer=Answer(text=data["answer"], question=data.get("question"), source=str(data.get("id", number))),
                    labels={k: bool(v) for k, v in (data.get("labels") or {}).items()},
                    source_label=data.get("source_label"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise BadLabelledFile(f"{name}:{number}: not a labelled answer ({type(error).__name__}: {error})") from None
    if not rows:
        raise BadLabelledFile(f"{name}: no labelled answers")
    if not any(label in PREDICTORS for row in rows for label in row.labels):
        raise BadLabelledFile(
            f"{name}: no answer has labels ({', '.join(PREDICTORS)}); the format is in docs/eval.md"
        )
    return rows


def label_scores(rows: list[LabelledAnswer], critiques: list[Critique]) -> list[LabelScore]:
    scores = []
    for label, predict in PREDICTORS.items():
        pairs = [(row.labels[label], predict(c)) for row, c in zip(rows, critiques) if label in row.labels]
        tp = sum(1 for truth, guess in pairs if truth and guess)
        fp = sum(1 for truth, guess in pairs if guess and not truth)
        fn = sum(1 for truth, guess in pairs if truth and not guess)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(LabelScore(label, precision, recall, f1, tp + fn, tp, fp, fn))
    return scores


def score_auc(rows: list[LabelledAnswer], critiques: list[Critique]) -> tuple[float | None, int, int]:
    """ROC AUC of the score for source_label good vs bad: P(good scores above bad)."""
    return auc_of(rows, [c.score for c in critiques])


def word_count_auc(rows: list[LabelledAnswer], critiques: list[Critique]) -> float | None:
    """The same AUC for the answers' word counts alone: the baseline the score must beat."""
    return auc_of(rows, [c.metrics.words for c in critiques])[0]


def auc_of(rows: list[LabelledAnswer], values: list[float]) -> tuple[float | None, int, int]:
    good = [v for row, v in zip(rows, values) if row.source_label == "good"]
    bad = [v for row, v in zip(rows, values) if row.source_label == "bad"]
    if not good or not bad:
        return None, len(good), len(bad)
    wins = sum(1.0 if g > b else 0.5 if g == b else 0.0 for g in good for b in bad)
    return wins / (len(good) * len(bad)), len(good), len(bad)


def mistakes(rows: list[LabelledAnswer], critiques: list[Critique]) -> list[dict]:
    """Which answers each label got wrong: for finding what to improve, not for fitting."""
    wrong = []
    for row, critique in zip(rows, critiques):
        for label, predict in PREDICTORS.items():
            if label in row.labels and row.labels[label] != predict(critique):
                wrong.append({"id": row.id, "label": label, "expected": row.labels[label]})
    return wrong
