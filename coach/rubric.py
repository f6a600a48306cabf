"""The scoring rubric, shared by both engines (documented in docs/rubric.md).

Each criterion is rated 1-5 on an anchored scale; the score is their weighted mean mapped
to 0-100, then capped when the answer dodges the question or tries to steer the grader.
The LLM engine feeds the model's ratings through the same function: the model never
writes the final score.
"""

from __future__ import annotations

CRITERIA: dict[str, int] = {
    "situation": 10,
    "task": 5,
    "action": 20,
    "result": 20,
    "specificity": 15,
    "concision": 10,
    "tone": 20,
}

# Caps: an answer that answers nothing, or that tries to steer the grader, cannot score well.
CAP_NO_ANSWER = 25
CAP_INJECTION = 10


def score(ratings: dict[str, int], *, dodged: bool = False, injected: bool = False) -> int:
    missing = set(CRITERIA) - set(ratings)
    if missing:
        raise ValueError(f"missing ratings: {', '.join(sorted(missing))}")
    weighted = sum(weight * (_clamp(ratings[name]) - 1) / 4 for name, weight in CRITERIA.items())
    value = round(100 * weighted / sum(CRITERIA.values()))
    if dodged:
        value = min(value, CAP_NO_ANSWER)
    if injected:
        value = min(value, CAP_INJECTION)
    return value


def _clamp(rating: int) -> int:
    return max(1, min(5, int(rating)))
