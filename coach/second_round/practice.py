"""Practice, progress and drafts compared: pure functions over questions, attempts, critiques.

`coach practice` asks a question from the bank, grades the answer, and records the attempt
(coach/second_round/history.py); `coach progress` reads the attempts back; `coach compare` sets two drafts
of one answer side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.models import Critique, Finding
from coach.second_round.question_bank import Question

# A question asked in this many of the latest attempts is not asked again yet.
RECENT_ATTEMPTS = 10
# The weakest criterion is judged on this many latest attempts: where the candidate is now.
LATEST_ATTEMPTS = 5


def choose_question(candidates: list[Question], recent_ids: list[str]) -> Question | None:
    """The first question not practised recently; if all were, the one practised longest ago."""
    if not candidates:
        return None
    recent = recent_ids[:RECENT_ATTEMPTS]
    fresh = [q for q in candidates if q.id not in recent]
    if fresh:
        return fresh[0]
    return max(candidates, key=lambda q: recent.index(q.id))


@dataclass
class QuestionProgress:
    question: str
    scores: list[int]

    @property
    def first(self) -> int:
        return self.scores[0]

    @property
    def last(self) -> int:
        return self.scores[-1]

    @property
    def best(self) -> int:
        return max(self.scores)


@dataclass
class Progress:
    attempts: int
    questions: list[QuestionProgress] = field(default_factory=list)
    # criterion -> (mean rating over the first attempts, over the latest)
    criteria: dict[str, tuple[float, float]] = field(default_factory=dict)
    weakest: str | None = None

    def to_dict(self) -> dict:
        return {
            "attempts": self.attempts,
            "questions": [{"question": q.question, "scores": q.scores, "first": q.first, "last": q.last, "best": q.best}
                          for q in self.questions],
            "criteria": {name: {"first": first, "latest": latest} for name, (first, latest) in self.criteria.items()},
            "weakest": self.weakest,
        }


def progress(attempts) -> Progress:
    """Scores per question over time, and each criterion's mean rating then and now."""
    by_question: dict[str, QuestionProgress] = {}
    for attempt in attempts:
        by_question.setdefault(attempt.question, QuestionProgress(attempt.question, [])).scores.append(attempt.score)
    early, latest = attempts[:LATEST_ATTEMPTS], attempts[-LATEST_ATTEMPTS:]
    names = sorted({name for a in attempts for name in a.ratings})
    criteria = {name: (_mean(early, name), _mean(latest, name)) for name in names}
    weakest = min(names, key=lambda name: (criteria[name][1], name)) if names else None
    return Progress(len(attempts), list(by_question.values()), criteria, weakest)


def _mean(attempts, name: str) -> float:
    ratings = [a.ratings[name] for a in attempts if name in a.ratings]
    return round(sum(ratings) / len(ratings), 2) if ratings else 0.0


@dataclass
class Comparison:
    old: Critique
    new: Critique
    fixed: list[Finding]
    new_findings: list[Finding]

    def ratings(self) -> list[tuple[str, int | None, int | None]]:
        names = list(dict.fromkeys([*self.old.ratings, *self.new.ratings]))
        return [(name, self.old.ratings.get(name), self.new.ratings.get(name)) for name in names]

    def to_dict(self) -> dict:
        return {
            "score": {"old": self.old.score, "new": self.new.score},
            "ratings": {name: {"old": old, "new": new} for name, old, new in self.ratings()},
            "fixed": [f.model_dump() for f in self.fixed],
            "new": [f.model_dump() for f in self.new_findings],
        }


def compare(old: Critique, new: Critique) -> Comparison:
    """What two drafts of one answer gained and lost: a finding is the same finding in both
    when its check and message are (its quoted span moves as the text changes)."""
    old_keys = {_key(f) for f in old.findings}
    new_keys = {_key(f) for f in new.findings}
    return Comparison(old, new, fixed=_once(old.findings, new_keys), new_findings=_once(new.findings, old_keys))


def _key(finding: Finding) -> tuple[str, str]:
    return finding.check, finding.message


def _once(findings: list[Finding], other: set[tuple[str, str]]) -> list[Finding]:
    """The findings whose kind the other draft lacks, each kind once ("'a lot' is vague" twice is one)."""
    kept: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        if _key(finding) not in other:
            kept.setdefault(_key(finding), finding)
    return list(kept.values())
