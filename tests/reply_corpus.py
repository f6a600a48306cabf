"""The reply corpus (tests/fixtures/replies) through the LLM quality guard: what is kept of
honest replies and rejected of junk ones. Used by tests/test_guard_corpus.py and bench/guard.py.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "replies"
ITEM_KINDS = ("strengths", "suggestions", "concerns", "rewrite")
# Where each kind of junk is: the items that must not reach the user. None: the whole reply
# (nothing in it can be trusted), so it must fall back.
JUNK_ITEMS = {
    "echo": ("strengths", "suggestions"),
    "generic": ("strengths", "suggestions"),
    "candidate_voice": ("suggestions",),
    "wrong_language": ("strengths", "suggestions"),
    "invented_numbers": ("rewrite",),
    "short_rewrite": ("rewrite",),
    "invented_quotes": None,
    "praise_only": None,
}


@dataclass
class Outcome:
    """One reply through the guard: items given and kept per kind, and whether it fell back."""

    id: str
    kind: str
    fell_back: str | None
    given: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def run(row: dict) -> Outcome:
    from coach.llm.critic import assemble
    from coach.llm.failures import LLMFailure
    from coach.llm.schema import Review
    from coach.models import Answer, Usage
    from coach.rules import offline

    answer = Answer(text=row["answer"], question=row.get("question"), role=row.get("role"))
    review = Review.model_validate(row["reply"])
    outcome = Outcome(row["id"], row.get("junk") or row.get("kind", ""), None)
    outcome.given.update(strengths=len(review.strengths), suggestions=len(review.suggestions),
                         concerns=len(review.concerns), rewrite=1 if review.rewrite.strip() else 0)
    try:
        critique = assemble(answer, offline.critique(answer), review, model="fixture", usage=Usage())
    except LLMFailure as failure:
        outcome.fell_back = str(failure)
        return outcome
    kept_concerns = {f.message for f in critique.findings if f.check == "llm"}
    outcome.kept.update(
        strengths=sum(s in critique.strengths for s in review.strengths),
        suggestions=sum(s in critique.suggestions for s in review.suggestions),
        concerns=sum(any(c.problem in message for message in kept_concerns) for c in review.concerns),
        rewrite=1 if critique.rewrite else 0,
    )
    for kind, texts, kept in (("strength", review.strengths, critique.strengths), ("suggestion", review.suggestions, critique.suggestions)):
        outcome.dropped += [(kind, t) for t in texts if t not in kept]
    if review.rewrite.strip() and not critique.rewrite:
        outcome.dropped.append(("rewrite", review.rewrite))
    return outcome


def junk_rejected(outcome: Outcome) -> tuple[int, int]:
    """(junk items rejected, junk items given) of one junk reply."""
    fields = JUNK_ITEMS[outcome.kind]
    if fields is None:
        return (1, 1) if outcome.fell_back else (0, 1)
    given = sum(outcome.given[f] for f in fields)
    return (given if outcome.fell_back else given - sum(outcome.kept[f] for f in fields)), given
