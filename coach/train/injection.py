"""The injection detector (coach/learned/steering.py), fitted on training/injection plus every
STAR-corpus answer as a benign example, its threshold chosen across the two sets written apart."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from coach.learned.model import sigmoid
from coach.rules.text import Document
from coach.train.corpus import REPO, SEED, Vocabulary, load_corpus
from coach.train.scoring import f1_score, precise_threshold

INJECTION = REPO / "training" / "injection"
INJECTION_C = 1.0
# A false "tries to steer the grader" accuses a candidate and caps their score at 10; a missed
# attempt still meets the LLM prompt's delimiting and cannot move the offline score. So the
# threshold maximises F0.25: precision counts four times as much as recall. (At F0.5 it was
# 0.41: 8 of the 216 real answers of ../shared/eval were flagged; at F0.25, none.)
INJECTION_BETA = 0.25
# F0.25 is flat over a wide range of thresholds (0.949-0.955 from 0.5 to 0.9 on the corpus as
# of 1,323 answers), so its maximum wanders with each corpus change. The threshold is instead
# the lowest whose cross-set precision reaches this floor: as many attempts caught as possible
# while at most 3 flags in 100 are false.
INJECTION_MIN_PRECISION = 0.97


@dataclass
class SteeringAnswer:
    id: str
    set: str  # "a" or "b": written apart, by different authors
    row: dict
    segments: list[set[str]]
    labels: list[bool]  # per sentence: does it overlap a steering span


def load_injection(root: Path = INJECTION) -> list[SteeringAnswer]:
    """The injection corpus, plus every answer of the STAR corpus as a benign example: real
    answers that merely talk about work are by far what the detector meets."""
    from coach.learned.steering import document_segments

    answers = []
    for labelled in load_corpus():
        text = " ".join(s["text"] for s in labelled.answer["sentences"])
        segments = [f for _, _, f in document_segments(Document(text))]
        row = {"steering": False, "style": "benign", "kind": f"answer:{labelled.register}", "text": text}
        # Split by register, so each half of the cross-check meets registers it never saw.
        half = "a" if sum(map(ord, labelled.register)) % 2 == 0 else "b"
        answers.append(SteeringAnswer(labelled.id, half, row, segments, [False] * len(segments)))
    for path in sorted(root.glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            document = Document(row["text"], row.get("question"))
            spans = [(row["text"].find(span), row["text"].find(span) + len(span)) for span in row["spans"]]
            segments = document_segments(document)
            labels = [any(a < end and start < b for a, b in spans) for start, end, _ in segments]
            answers.append(SteeringAnswer(row["id"], path.parent.name, row, [f for _, _, f in segments], labels))
    return answers


def fit_steering(answers: list[SteeringAnswer]) -> tuple[float, dict[str, float]]:
    from sklearn.linear_model import LogisticRegression

    segments = [segment for a in answers for segment in a.segments]
    vocabulary = Vocabulary(segments)
    y = [label for a in answers for label in a.labels]
    model = LogisticRegression(C=INJECTION_C, max_iter=5000, solver="liblinear", random_state=SEED).fit(vocabulary.matrix(segments), y)
    return float(model.intercept_[0]), {f: float(model.coef_[0][i]) for f, i in vocabulary.index.items()}


def steering_score(bias: float, weights: dict[str, float], answer: SteeringAnswer) -> float:
    """The answer's most steering-like sentence."""
    return max((sigmoid(bias + sum(weights.get(f, 0.0) for f in segment)) for segment in answer.segments), default=0.0)


def steering_cross_scores(answers: list[SteeringAnswer]) -> dict[str, float]:
    """Each answer's score from a detector fitted only on the other set."""
    scores = {}
    for held_out in sorted({a.set for a in answers}):
        bias, weights = fit_steering([a for a in answers if a.set != held_out])
        for a in answers:
            if a.set == held_out:
                scores[a.id] = steering_score(bias, weights, a)
    return scores


def train_injection(out: Path) -> None:
    answers = load_injection()
    cross = steering_cross_scores(answers)
    scores, truth = [cross[a.id] for a in answers], [a.row["steering"] for a in answers]
    threshold = precise_threshold(scores, truth, INJECTION_MIN_PRECISION)
    f1 = f1_score([s >= threshold for s in scores], truth, INJECTION_BETA)
    bias, weights = fit_steering(answers)
    payload = {
        "version": 1,
        "trained_on": {"answers": len(answers), "corpus": "training/injection", "C": INJECTION_C, "seed": SEED},
        "bias": round(bias, 4),
        "threshold": threshold,
        "weights": {f: round(w, 4) for f, w in sorted(weights.items()) if abs(w) >= 0.001},
    }
    out.write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, threshold {threshold}, cross-set F{INJECTION_BETA:g} {f1:.3f})", file=sys.stderr)
