"""Answer-level decisions from sentence evidence: which sentences show each STAR part, each with
its probability and why, in plain words. (Blame is asked of the same scores by the negativity
check, which adds the sentences the model is sure of to what its rules find.)

A decision holds when its best sentence reaches the threshold the training chose (by
cross-validation, coach/train/). One sentence serves several parts only when it truly does:
besides its most likely part, it keeps another only if that one is very likely too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.learned.model import Scored, sentence_model
from coach.models import STAR_PARTS
from coach.rules.text import Document, per_document

# A sentence's second (third…) part must be more likely than not, not merely above threshold.
SECOND_PART = 0.5
BLAME = "blame"


@dataclass(frozen=True)
class Evidence:
    index: int  # the sentence's position in document.sentences
    probability: float
    reasons: tuple[str, ...]


@per_document
def scores(document: Document) -> list[Scored]:
    """The sentence scores of a document, shared by every check."""
    return sentence_model().score(document)


@per_document
def star_evidence(document: Document) -> dict[str, list[Evidence]]:
    """Which sentences show each STAR part (STAR and relevance ask)."""
    return _star_evidence(document)


def _star_evidence(document: Document) -> dict[str, list[Evidence]]:
    model = sentence_model()
    found: dict[str, list[Evidence]] = {part: [] for part in STAR_PARTS}
    for index, scored in enumerate(scores(document)):
        above = [p for p in STAR_PARTS if scored.probabilities[p] >= model.thresholds[p]]
        if not above:
            continue
        # Thresholds differ by part, so "most likely" is measured from each part's threshold.
        best = max(above, key=lambda p: _margin(scored.probabilities[p], model.thresholds[p]))
        for part in above:
            if part == best or scored.probabilities[part] >= SECOND_PART:
                found[part].append(Evidence(index, scored.probabilities[part], tuple(model.reasons(scored, part))))
    return found


def _margin(probability: float, threshold: float) -> float:
    """How far above its threshold a probability is, in log-odds."""
    return _logit(probability) - _logit(threshold)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
