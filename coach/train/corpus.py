"""The STAR corpus (training/answers) as the models see it: answers split the way the engine
splits them, labelled per engine sentence, and the sparse feature matrix they are fitted on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from coach.learned.features import document_features
from coach.rules.text import Document

PACKAGE = Path(__file__).resolve().parents[1]  # coach/
REPO = PACKAGE.parent
CORPUS = REPO / "training" / "answers"
DATA = PACKAGE / "data"
TARGETS = ("situation", "task", "action", "result", "blame")
# Registers written to be rich in one class (blame, hard people, sarcasm, everyday complaint
# words) for the models to learn from; their share of blame is two to three times that of the
# others. Thresholds are chosen on the other registers, whose mix is closer to real answers.
ENRICHED_REGISTERS = frozenset({"venting", "sarcasm", "difficult_person", "plain"})
MIN_FEATURE_COUNT = 2
# One seed for every fit, fold and clustering, so a retrain on the same corpus writes the same file.
SEED = 0


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
