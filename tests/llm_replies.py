"""Model replies for the LLM tests, written the way a capable model answers our examples.

Quotes are copied from the example files at test time (never retyped), so a test that
expects a quote to verify fails if the example changes under it.
"""

from __future__ import annotations

import copy

from conftest import EXAMPLES

STRONG_PATH = EXAMPLES / "strong-star.md"
STRONG_TEXT = STRONG_PATH.read_text(encoding="utf-8").split("---", 2)[2].strip()


def _part(quotes: list[str], present: bool = True, rating: int = 5) -> dict:
    return {"quotes": quotes, "present": present, "rating": rating}


def strong_review() -> dict:
    """A valid Review for examples/strong-star.md; every quote is in the answer."""
    review = {
        "situation": _part(["our warehouse-scanning release was three weeks behind"]),
        "task": _part(["my job was to get a working release to their 40 warehouses"], rating=4),
        "action": _part(["I negotiated a second server from IT", "split the backlog into two-week milestones"]),
        "result": _part(["We shipped eight days before the deadline"]),
        "specificity": {"reason": "Numbers for the delay, the warehouses and the contract.", "rating": 5},
        "concision": {"reason": "About a minute spoken, no filler.", "rating": 4},
        "tone": {"reason": "Constructive about the client and the engineers.", "rating": 5},
        "concerns": [{"quote": "We shipped eight days", "problem": "\"We\" hides your own part in the delivery."}],
        "strengths": ["The delay, the 40 warehouses and the renewal make the stakes concrete."],
        "suggestions": ["Say what you personally did to win the contract renewal, not only that the client renewed."],
        "rewrite": (
            "Last spring our warehouse-scanning release was three weeks behind and the client was threatening "
            "to walk away. As project manager, my job was to deliver to their 40 warehouses before their peak "
            "season in June. I found that half of our test runs waited on one shared staging server, negotiated "
            "a second server from IT, split the backlog into two-week milestones and set up a daily call with the "
            "client's operations lead. We shipped eight days before the deadline and the client renewed their "
            "contract for two more years."
        ),
    }
    for part in ("situation", "task", "action", "result"):
        for quote in review[part]["quotes"]:
            assert quote in STRONG_TEXT, quote
    return review


def with_changes(review: dict, **changes) -> dict:
    changed = copy.deepcopy(review)
    changed.update(changes)
    return changed
