"""Inference for the sentence models: a dictionary lookup and a sigmoid per decision.

The weights are data (coach/data/sentence_model.json, written by `python -m coach.train`):
one logistic regression per decision (STAR parts, blame) over coach.learned.features, and the
answer-level threshold each decision's best sentence must reach. No numpy, no scikit-learn.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import repeat

from coach.learned.dodge import EVIDENCE_PARTS, dodge_features
from coach.learned.features import document_features
from coach.rules.text import Document

MODEL_FILE = "sentence_model.json"


@dataclass(frozen=True)
class Scored:
    """One sentence's probability per decision, and its features (for `reasons`)."""

    probabilities: dict[str, float]
    features: frozenset[str]


class SentenceModel:
    def __init__(self, payload: dict):
        self.targets: list[str] = payload["targets"]
        self.bias: list[float] = payload["bias"]
        self.thresholds: dict[str, float] = payload["thresholds"]
        self.weights: dict[str, list[float]] = payload["weights"]
        dodge = payload.get("dodge", {"bias": -35.0, "threshold": 1.0, "weights": {}})
        self.dodge_bias, self.dodge_threshold, self.dodge_weights = dodge["bias"], dodge["threshold"], dodge["weights"]
        # describe() of each weighed feature, asked again for every sentence's reasons.
        self._descriptions: dict[str, str | None] = {}

    def score(self, document: Document) -> list[Scored]:
        return [self._score(features) for features in document_features(document)]

    def _score(self, features: set[str]) -> Scored:
        # Sparse: only the rows of the features the model knows, summed column by column
        # (each column from its bias, in the features' order, as a running sum would).
        # (map and filter run in C: most of a sentence's ~50 features are looked up and kept.)
        rows = list(filter(None, map(self.weights.get, features)))
        sums = [sum(column, bias) for bias, column in zip(self.bias, zip(*rows))] if rows else self.bias
        return Scored({t: sigmoid(s) for t, s in zip(self.targets, sums)}, frozenset(features))

    def dodge_probability(self, scored: list[Scored]) -> float:
        """How likely the answer avoids what was asked ("I've never really had a conflict",
        "my weakness is that I care too much"): coach.learned.dodge.dodge_features of its sentences."""
        best = {part: max((s.probabilities[part] for s in scored), default=0.0) for part in EVIDENCE_PARTS}
        features = dodge_features([s.features for s in scored], best)
        return sigmoid(self.dodge_bias + sum(map(self.dodge_weights.get, features, repeat(0.0))))

    def reasons(self, scored: Scored, target: str, limit: int = 2) -> list[str]:
        """The features that pushed this sentence towards `target` most, in plain words
        (only those a person can check against the sentence: words, tense, numbers)."""
        column = self.targets.index(target)
        weighed = [(f, self.weights[f]) for f in scored.features if f in self.weights]
        pushes = sorted((row[column], f) for f, row in weighed if row[column] > 0 and self._describe(f) is not None)
        return [self._describe(feature) for _, feature in reversed(pushes[-limit:])]

    def _describe(self, feature: str) -> str | None:
        try:
            return self._descriptions[feature]
        except KeyError:
            description = self._descriptions[feature] = describe(feature)
            return description


# Context features (the question's kind, length, position with the question) weigh in the
# decision but say nothing a person could check in the sentence; they are not given as reasons.
_PLAIN_FEATURES = {
    "judged=others:strong": "a strong negative word about a person",
    "judged=others:mild": "a negative word about a person",
    "trait=negative": "a negative trait said of someone",
    "opens=others": "it opens on another person",
    "i+past": '"I" with a past-tense verb',
    "we+past": '"we" with a past-tense verb',
    "i+modal": "a plan or intention",
    "number": "a number",
    "pos=first": "it opens the answer",
    "pos=last": "it closes the answer",
}
_FUNCTION_WORDS = frozenset(
    """a an the and or but so to of in on at for with by from as it is was were be been i we you he
    she they me us him her them my our your his their this that there then just very really also
    had have has do did not no if when while which who what""".split()
)


def describe(feature: str) -> str | None:
    """A feature in plain words, or None when it is not one a person can see in the sentence."""
    if feature in _PLAIN_FEATURES:
        return _PLAIN_FEATURES[feature]
    kind, _, value = feature.partition("=")
    if kind not in ("w", "b", "f2", "trait"):
        return None
    words = [w for w in value.split("_") if w not in ("^", "$")]
    if not words or all(w in _FUNCTION_WORDS for w in words):
        return None
    return '"' + " ".join(words) + '"'


def sigmoid(value: float) -> float:
    """The logistic function, 0 far below -35 (math.exp overflows the other way round)."""
    if value < -35:
        return 0.0
    return 1 / (1 + math.exp(-value))


@cache
def sentence_model() -> SentenceModel:
    text = resources.files("coach.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return SentenceModel(json.loads(text))
