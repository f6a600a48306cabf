"""The prompt-injection detector: which stretches of an answer try to steer the grader.

A logistic regression over the character 4-grams of each sentence's words (so "ignora",
"ignorez" and "ignoriere" share evidence, and text without spaces is seen too), its words and word pairs,
and a few structural marks (a role label opening a line, chat-template tokens, JSON, a score
written as a fraction). Trained by `python -m coach.train injection` on training/injection/
(two sets written apart; bench/injection.py fits on one and measures on the other). Inference
is plain Python over coach/data/injection_model.json.
"""

from __future__ import annotations

import json
import re
from functools import cache
from itertools import repeat
from importlib import resources

from coach.learned.model import sigmoid
from coach.text import Document, is_past

MODEL_FILE = "injection_model.json"
_SPACES = re.compile(r"\s+")
# Words in any script (letters of every alphabet, and runs of CJK characters), and symbols.
_TOKEN = re.compile(r"\w+|[^\w\s]+")
_NARRATORS = frozenset("i we our my they he she".split())
# Talking to the reader of the answer: the one who grades it.
_ADDRESSES = re.compile(r"\b(?:this|my|the above|the following|the candidate'?s?)\s+(?:answer|response|submission|reply|candidate)\b|\byou\s+(?:must|should|will|are|need|have to)\b")
_MARKS = (
    ("mark=role-line", re.compile(r"(?im)^\W{0,4}(?:system|assistant|human|user|developer|admin|operator|grader)\s*[:>\]]")),
    ("mark=template", re.compile(r"<\|[^|>]{1,20}\|>|\[/?(?:inst|sys)\]|<</?sys>>|<\s*/?\s*(?:system|assistant|user|instructions?|answer|eval\w*)\s*>", re.I)),
    ("mark=heading", re.compile(r"(?m)^\s{0,3}(?:#{1,6}|={3,}|-{3,}|\*\*\*)")),
    ("mark=json", re.compile(r"[{\[]\s*\"\w+\"\s*:")),
    ("mark=fraction", re.compile(r"\b\d{1,3}\s*(?:/|out of)\s*\d{1,3}\b", re.I)),
    ("mark=brackets", re.compile(r"[【\[(]{1,2}\s*(?:note|system|admin|to the|for the)\b", re.I)),
)


def segment_features(text: str, words: list[str]) -> set[str]:
    """A sentence's character 3-grams, words, pairs, opening words, marks, and whether it
    narrates (what "I"/"we" did: a story) or addresses someone (an imperative, "you")."""
    flat = _SPACES.sub(" ", text.lower())
    features = set()
    for token in _TOKEN.findall(flat):
        marked = f"<{token}>"
        features.update(f"c4={marked[i:i + 4]}" for i in range(max(1, len(marked) - 3)))
    previous = "^"
    for word in words:
        features.add(f"w={word}")
        features.add(f"b={previous}_{word}")
        previous = word
    if words:
        features.add(f"first={words[0]}")
    features.update(name for name, pattern in _MARKS if pattern.search(text))
    for i, word in enumerate(words[:-1]):
        if word in _NARRATORS and is_past(words[i + 1]):
            features.add("narrates")
    if _ADDRESSES.search(flat):
        features.add("addresses")
    return features



def document_segments(document: Document) -> list[tuple[int, int, set[str]]]:
    """(start, end, features) of each sentence of the answer."""
    return [(s.start, s.end, segment_features(s.text, s.words)) for s in document.sentences]


class SteeringModel:
    def __init__(self, payload: dict):
        self.bias: float = payload["bias"]
        self.threshold: float = payload["threshold"]
        self.weights: dict[str, float] = payload["weights"]

    def probability(self, features: set[str]) -> float:
        return sigmoid(self.bias + sum(map(self.weights.get, features, repeat(0.0))))

    def steering_spans(self, document: Document) -> list[tuple[int, int, float]]:
        """The sentences that try to steer the grader, with their probability."""
        found = []
        for start, end, features in document_segments(document):
            p = self.probability(features)
            if p >= self.threshold:
                found.append((start, end, p))
        return found


@cache
def steering_model() -> SteeringModel:
    text = resources.files("coach.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return SteeringModel(json.loads(text))
