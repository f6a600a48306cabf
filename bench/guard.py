"""What the LLM quality guard keeps of honest replies and rejects of junk ones.

    python bench/guard.py

tests/fixtures/replies/honest.jsonl holds replies written the way a capable model (gpt-4o-mini
class) honestly answers our prompt for answers of our own; junk.jsonl what small models reply
(invented quotes, the answer echoed back, generic advice, advice in the candidate's voice,
invented numbers, pasted rewrites, the wrong language, praise of events not in the answer).
Each reply goes through the same assembly as a live one (coach.llm.critic.assemble: quote
verification, the guard, the junk verdict). Prints the share of honest items kept and of junk
replies that fall back, per kind.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
    from coach import offline
    from coach.llm.client import LLMFailure
    from coach.llm.critic import assemble
    from coach.llm.schema import Review
    from coach.models import Answer, Usage

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


def main() -> int:
    honest = [run(row) for row in load("honest.jsonl")]
    junk = [run(row) for row in load("junk.jsonl")]
    given, kept = Counter(), Counter()
    for o in honest:
        given.update(o.given)
        kept.update(o.kept)
    print(f"honest replies: {len(honest)}, fell back: {sum(1 for o in honest if o.fell_back)}")
    for kind in ITEM_KINDS:
        share = kept[kind] / given[kind] if given[kind] else 1.0
        print(f"  {kind:12} kept {kept[kind]:3} of {given[kind]:3}  ({share:.0%})")
    total = sum(kept.values()) / max(1, sum(given.values()))
    print(f"  {'all items':12} kept {sum(kept.values()):3} of {sum(given.values()):3}  ({total:.0%})")
    for o in honest:
        if o.fell_back:
            print(f"    fell back: {o.id}: {o.fell_back}")
        for kind, text in o.dropped:
            print(f"    dropped {kind} of {o.id}: {text[:110]}")
    rejected, given_junk = Counter(), Counter()
    for o in junk:
        r, g = junk_rejected(o)
        rejected[o.kind] += r
        given_junk[o.kind] += g
    total_r, total_g = sum(rejected.values()), sum(given_junk.values())
    print(f"\njunk replies: {len(junk)}; junk items rejected {total_r} of {total_g} ({total_r / max(1, total_g):.0%})")
    for kind in sorted(given_junk):
        whole = " (whole replies: must fall back)" if JUNK_ITEMS[kind] is None else ""
        print(f"  {kind:18} {rejected[kind]:3} of {given_junk[kind]:3}{whole}")
    for o in junk:
        r, g = junk_rejected(o)
        if r < g:
            print(f"    let through: {o.id} ({o.kind}): {g - r} of {g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
