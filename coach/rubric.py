"""The scoring rubric, shared by both engines (documented in docs/rubric.md).

Each criterion is rated 1-5 on an anchored scale; the score is their weighted mean mapped
to 0-100. Questions that do not ask for a story ("Why are you leaving?") are not marked
down for a missing STAR structure: the score is then the better of the full rubric and
the rubric without the STAR criteria. Caps follow: an answer that dodges the question,
speaks badly of others or tries to steer the grader cannot score well however polished.
The LLM engine feeds the model's ratings through the same function: the model never
writes the final score.
"""

from __future__ import annotations

from coach.models import STAR_PARTS

CRITERIA: dict[str, int] = {
    "situation": 10,
    "task": 5,
    "action": 20,
    "result": 20,
    "specificity": 15,
    "concision": 10,
    "tone": 20,
}

CAP_NO_ANSWER = 25
CAP_NEGATIVE = 40
CAP_INJECTION = 10


def score(
    ratings: dict[str, int],
    *,
    story_required: bool = True,
    dodged: bool = False,
    negative: bool = False,
    injected: bool = False,
) -> int:
    missing = set(CRITERIA) - set(ratings)
    if missing:
        raise ValueError(f"missing ratings: {', '.join(sorted(missing))}")
    value = _weighted(ratings, CRITERIA)
    if not story_required:
        without_star = {name: w for name, w in CRITERIA.items() if name not in STAR_PARTS}
        value = max(value, _weighted(ratings, without_star))
    for capped, cap in ((dodged, CAP_NO_ANSWER), (negative, CAP_NEGATIVE), (injected, CAP_INJECTION)):
        if capped:
            value = min(value, cap)
    return value


def _weighted(ratings: dict[str, int], weights: dict[str, int]) -> int:
    total = sum(weight * (_clamp(ratings[name]) - 1) / 4 for name, weight in weights.items())
    return round(100 * total / sum(weights.values()))


def _clamp(rating: int) -> int:
    return max(1, min(5, int(rating)))
