"""The `coach eval` report: per-label precision/recall/F1/support, and the score's AUC beside
word count's (the baseline a score must beat)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from coach.eval import labelled as evaluate


@dataclass
class Report:
    answers: int
    labels: list[evaluate.LabelScore]
    auc: float | None
    good: int
    bad: int
    word_count_auc: float | None = None  # the baseline: word count alone, on the same answers
    mistakes: list[dict] = field(default_factory=list)

    @classmethod
    def build(cls, rows, critiques, *, with_mistakes: bool = False) -> Report:
        auc, good, bad = evaluate.score_auc(rows, critiques)
        wrong = evaluate.mistakes(rows, critiques) if with_mistakes else []
        return cls(len(rows), evaluate.label_scores(rows, critiques), auc, good, bad,
                   evaluate.word_count_auc(rows, critiques), wrong)

    def to_json(self) -> str:
        payload = {
            "answers": self.answers,
            "labels": {s.label: {k: v for k, v in asdict(s).items() if k != "label"} for s in self.labels},
            "score_auc": {"auc": self.auc, "good": self.good, "bad": self.bad, "word_count_auc": self.word_count_auc},
        }
        if self.mistakes:
            payload["mistakes"] = self.mistakes
        return json.dumps(payload, indent=2)

    def to_text(self) -> str:
        lines = [f"{self.answers} labelled answers (offline engine)", ""]
        lines.append(f"{'label':<24}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
        for s in self.labels:
            lines.append(f"{s.label:<24}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}{s.support:>9}")
        if self.auc is None:
            auc = "n/a (needs good and bad answers)"
        else:
            auc = f"{self.auc:.3f} (word count alone: {self.word_count_auc:.3f})"
        lines += ["", f"score ROC AUC, good vs bad: {auc}  ({self.good} good, {self.bad} bad)"]
        if self.mistakes:
            lines += ["", "mistakes:"] + [f"  {m['id']}: {m['label']} expected {m['expected']}" for m in self.mistakes]
        return "\n".join(lines) + "\n"
