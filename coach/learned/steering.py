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
from functools import cache, lru_cache
from importlib import resources
from itertools import repeat

from coach.learned.model import sigmoid
from coach.rules.text import Document, is_past

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
# What each mark cannot match without: one of these must be in the sentence (looked for in its
# lower case, which keeps every symbol). So the regexes run only on the rare sentence that has
# one: a role line ends in ":", ">" or "]", a template has "<" or "[", a fraction "/" or "out of".
_MARK_NEEDS = {
    "mark=role-line": (":", ">", "]"),
    "mark=template": ("<", "["),
    "mark=heading": ("#", "=", "-", "*"),
    "mark=json": ('"',),
    "mark=fraction": ("/", "out of"),
    "mark=brackets": ("【", "[", "("),
}
# Any of them at all: most sentences have none, and one search says so.
_ANY_MARK_NEED = re.compile("|".join(re.escape(need) for needs in _MARK_NEEDS.values() for need in needs))
# Words _ADDRESSES cannot match without.
_ADDRESS_NEEDS = ("you", "answer", "response", "submission", "reply", "candidate")


def segment_features(text: str, words: list[str]) -> set[str]:
    """A sentence's character 4-grams, words, pairs, opening words, marks, and whether it
    narrates (what "I"/"we" did: a story) or addresses someone (an imperative, "you")."""
    flat = _flat(text)
    features = set()
    for token in _TOKEN.findall(flat):
        features.update(_char_grams(token))
    return features | _word_features(text, flat, words)


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text.lower())


def _word_features(text: str, flat: str, words: list[str]) -> set[str]:
    """All but the character grams: words, pairs, the opening word, marks, narrates, addresses."""
    features = set()
    previous = "^"
    for word in words:
        features.add(f"w={word}")
        features.add(f"b={previous}_{word}")
        previous = word
    if words:
        features.add(f"first={words[0]}")
    if _ANY_MARK_NEED.search(flat):
        features.update(
            name for name, pattern in _MARKS if any(c in flat for c in _MARK_NEEDS[name]) and pattern.search(text)
        )
    for word, following in zip(words, words[1:]):
        if word in _NARRATORS and is_past(following):
            features.add("narrates")
            break
    if any(word in flat for word in _ADDRESS_NEEDS) and _ADDRESSES.search(flat):
        features.add("addresses")
    return features


@lru_cache(maxsize=1 << 14)
def _char_grams(token: str) -> tuple[str, ...]:
    """A token's character 4-grams, marked at both ends ("<led>" gives "<led", "led>")."""
    marked = f"<{token}>"
    return tuple(f"c4={marked[i:i + 4]}" for i in range(max(1, len(marked) - 3)))


def document_segments(document: Document) -> list[tuple[int, int, set[str]]]:
    """(start, end, features) of each sentence of the answer."""
    return [(s.start, s.end, segment_features(s.text, s.words)) for s in document.sentences]


# Tokens whose weighed grams are kept; past it the store is emptied (a batch's vocabulary has
# no end, and an entry is cheap to make again).
_TOKENS_KEPT = 20_000


class _PerToken(dict):
    """token -> make(token), made on first use; emptied past _TOKENS_KEPT tokens."""

    def __init__(self, make):
        super().__init__()
        self._make = make

    def __missing__(self, token: str):
        if len(self) >= _TOKENS_KEPT:
            self.clear()
        value = self[token] = self._make(token)
        return value


class SteeringModel:
    def __init__(self, payload: dict):
        self.bias: float = payload["bias"]
        self.threshold: float = payload["threshold"]
        self.weights: dict[str, float] = payload["weights"]
        # Per token: its weighed grams, and the sum of their positive weights (an upper bound
        # of what they add). Dicts that fill themselves, so a sentence's tokens are looked up
        # by map() in C and only a token never seen before costs a call.
        self._token_grams = _PerToken(self._weighed_grams)
        self._token_bounds = _PerToken(lambda token: sum(w for w in self._token_grams[token].values() if w > 0))

    def probability(self, features: set[str]) -> float:
        return sigmoid(self.bias + sum(map(self.weights.get, features, repeat(0.0))))

    def sentence_probability(self, text: str, words: list[str], at_least: float = 0.0) -> float:
        """probability(segment_features(text, words)), with each token's character grams and
        their weights looked up once per token, not once per sentence: grams are most of a
        sentence's features, and the same few hundred tokens make most sentences. The grams
        are merged by name, so a gram two tokens share still weighs once.

        With `at_least`, a sentence that cannot reach it returns 0.0 before its grams are
        merged: the sum of each token's positive gram weights bounds what its grams can add,
        and nearly every sentence of an answer falls short of that bound."""
        flat = _flat(text)
        tokens = _TOKEN.findall(flat)
        others = sum(map(self.weights.get, _word_features(text, flat, words), repeat(0.0)))
        if at_least > 0.0:
            bound = self.bias + others + sum(map(self._token_bounds.__getitem__, tokens))
            if sigmoid(bound) < at_least:
                return 0.0
        grams: dict[str, float] = {}
        for token_grams in map(self._token_grams.__getitem__, tokens):
            grams.update(token_grams)
        return sigmoid(self.bias + sum(grams.values()) + others)

    def _weighed_grams(self, token: str) -> dict[str, float]:
        weights = self.weights
        return {g: weights[g] for g in _char_grams(token) if g in weights}

    def steering_spans(self, document: Document) -> list[tuple[int, int, float]]:
        """The sentences that try to steer the grader, with their probability."""
        found = []
        for sentence in document.sentences:
            p = self.sentence_probability(sentence.text, sentence.words, at_least=self.threshold)
            if p >= self.threshold:
                found.append((sentence.start, sentence.end, p))
        return found


@cache
def steering_model() -> SteeringModel:
    text = resources.files("coach.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return SteeringModel(json.loads(text))
