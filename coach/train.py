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
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from coach.learned.features import CLUSTER_FILE, document_features, dodge_features
from coach.learned.model import sigmoid
from coach.text import Document

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "training" / "answers"
DATA = Path(__file__).resolve().parent / "data"
MODEL_FILE = "sentence_model.json"
TARGETS = ("situation", "task", "action", "result", "blame")
# Registers written to be rich in one class (blame, hard people, sarcasm, everyday complaint
# words) for the models to learn from; their share of blame is two to three times that of the
# others. Thresholds are chosen on the other registers, whose mix is closer to real answers.
ENRICHED_REGISTERS = frozenset({"venting", "sarcasm", "difficult_person", "plain"})
MIN_FEATURE_COUNT = 2
C_GRID = (0.1, 0.3, 1.0)
FOLDS = 5
SEED = 0
CLUSTERS = 256


@dataclass
class Labelled:
    """One corpus answer, split as the engine splits it, with labels per engine sentence."""

    id: str
    register: str
    features: list[set[str]]
    labels: list[set[str]]  # per sentence: STAR parts, plus "blame"
    answer: dict  # the corpus row


def load_corpus(root: Path = CORPUS) -> list[Labelled]:
    answers = []
    for path in sorted(root.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                answers.append(_labelled(json.loads(line), path.parent.name))
    return answers


def _labelled(row: dict, register: str) -> Labelled:
    text, units = "", []
    for sentence in row["sentences"]:
        start = len(text) + (1 if text else 0)
        text = f"{text} {sentence['text']}" if text else sentence["text"]
        tags = set(sentence["star"]) | ({"blame"} if sentence["tone"] == "blame" else set())
        units.append((start, len(text), tags))
    document = Document(text, row["question"])
    labels = []
    for sentence in document.sentences:
        tags: set[str] = set()
        for start, end, unit_tags in units:
            if start < sentence.end and sentence.start < end:
                tags |= unit_tags
        labels.append(tags)
    return Labelled(row["id"], register, document_features(document), labels, row)


class Vocabulary:
    """The features seen at least MIN_FEATURE_COUNT times, as columns of a sparse matrix."""

    def __init__(self, feature_sets: list[set[str]]):
        from collections import Counter

        counts = Counter(f for features in feature_sets for f in features)
        kept = sorted(f for f, n in counts.items() if n >= MIN_FEATURE_COUNT)
        self.index = {f: i for i, f in enumerate(kept)}

    def matrix(self, feature_sets: list[set[str]]):
        from scipy.sparse import csr_matrix

        rows, cols = [], []
        for row, features in enumerate(feature_sets):
            for f in features:
                col = self.index.get(f)
                if col is not None:
                    rows.append(row)
                    cols.append(col)
        return csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(feature_sets), len(self.index)))


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


def answer_score(probabilities: list[float]) -> float:
    """How strongly an answer shows a decision: its best sentence's probability."""
    return max(probabilities, default=0.0)


def answer_truth(answer: Labelled) -> dict[str, bool]:
    return {target: any(target in tags for tags in answer.labels) for target in TARGETS}


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


def best_threshold(scores: list[float], truth: list[bool], beta: float = 1.0) -> tuple[float, float]:
    """The threshold on an answer's best sentence that maximises F-beta, and that F-beta."""
    best = (0.5, -1.0)
    for step in range(5, 96):
        threshold = step / 100
        f = f1_score([s >= threshold for s in scores], truth, beta)
        if f > best[1]:
            best = (threshold, f)
    return best


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


def choose(answers: list[Labelled]) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Per target, the C whose models hold best on a register they never saw (leave one
    register out), and the answer-level threshold from those out-of-register predictions on
    the registers not enriched for one class."""
    registers = [a.register for a in answers]
    truth = {t: [answer_truth(a)[t] for a in answers] for t in TARGETS}
    best: dict[str, tuple[float, float, float]] = {}
    for c in C_GRID:
        predictions = out_of_fold(answers, registers, c)
        for target in TARGETS:
            scores = [answer_score(predictions[a.id][target]) for a in answers]
            f1 = held_out_f1(scores, truth[target], registers)
            if target not in best or f1 > best[target][1]:
                typical = [i for i, r in enumerate(registers) if r not in ENRICHED_REGISTERS]
                threshold, _ = best_threshold([scores[i] for i in typical], [truth[target][i] for i in typical])
                best[target] = (c, f1, threshold)
        print(f"C={c}: " + " ".join(f"{t}={best[t][1]:.3f}@{best[t][0]}" for t in TARGETS), file=sys.stderr)
    return ({t: best[t][0] for t in TARGETS}, {t: best[t][2] for t in TARGETS}, {t: best[t][1] for t in TARGETS})


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
def fit_dodge(answers: list[Labelled]) -> tuple[float, dict[str, float]]:
    from sklearn.linear_model import LogisticRegression

    feature_sets = [dodge_features(a.features) for a in answers]
    vocabulary = Vocabulary(feature_sets)
    # Dodges are rare (one answer in twenty): weigh them as much as the rest together.
    model = LogisticRegression(C=DODGE_C, max_iter=5000, solver="liblinear", class_weight="balanced", random_state=SEED)
    model.fit(vocabulary.matrix(feature_sets), [a.answer["dodge"] for a in answers])
    return float(model.intercept_[0]), {f: float(model.coef_[0][i]) for f, i in vocabulary.index.items()}


def dodge_score(bias: float, weights: dict[str, float], answer: Labelled) -> float:
    return sigmoid(bias + sum(weights.get(f, 0.0) for f in dodge_features(answer.features)))


def dodge_out_of_register(answers: list[Labelled]) -> dict[str, float]:
    scores = {}
    for register in sorted({a.register for a in answers}):
        bias, weights = fit_dodge([a for a in answers if a.register != register])
        scores.update({a.id: dodge_score(bias, weights, a) for a in answers if a.register == register})
    return scores


def train(out: Path) -> None:
    answers = load_corpus()
    print(f"{len(answers)} answers, {sum(len(a.features) for a in answers)} sentences", file=sys.stderr)
    c, thresholds, f1s = choose(answers)
    vocabulary, models = fit(answers, c)
    payload = export(vocabulary, models, c, thresholds, len(answers))
    held_out = dodge_out_of_register(answers)
    dodge_threshold, dodge_f1 = best_threshold([held_out[a.id] for a in answers], [a.answer["dodge"] for a in answers])
    bias, weights = fit_dodge(answers)
    payload["dodge"] = {"bias": round(bias, 4), "threshold": dodge_threshold,
                        "weights": {f: round(w, 4) for f, w in sorted(weights.items()) if abs(w) >= 0.001}}
    f1s["dodge"] = dodge_f1
    out.write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, {len(payload['weights'])} features, C={c}, held-out F1 {f1s})", file=sys.stderr)


# --- the injection detector (coach/learned/steering.py) -----------------------------------

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


def build_clusters(out: Path, k: int = CLUSTERS) -> None:
    """Cluster the whole-word tokens of wordllama's vocabulary by their static embeddings."""
    import numpy as np
    import wordllama
    from sklearn.cluster import KMeans
    from wordllama import WordLlama

    # The package ships its weights and tokenizer; never reach for a hub.
    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    vocabulary = model.tokenizer.get_vocab()
    words = sorted({t[1:].lower() for t in vocabulary if t.startswith("▁") and t[1:].isascii() and t[1:].isalpha() and len(t) > 3})
    vectors = np.asarray(model.embed(words), dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = KMeans(n_clusters=k, n_init=4, random_state=SEED).fit_predict(vectors)
    lines = [f"{word}\tk{label}" for word, label in zip(words, labels)]
    header = f"# word<TAB>cluster: wordllama l2_supercat token embeddings, k-means k={k} seed={SEED} (python -m coach.train clusters)"
    out.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(words)} words in {k} clusters", file=sys.stderr)


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


if __name__ == "__main__":
    sys.exit(main())
