"""The scoring rubric, shared by both engines (documented in docs/rubric.md).

Each criterion is rated 1-5 on an anchored scale; the score is their weighted mean mapped
to 0-100. Development (how much the answer says) is rated by code from its length, for both
engines. Questions that do not ask for a story ("Why are you leaving?") are not marked
down for a missing STAR structure: the score is then the better of the full rubric and
the rubric without the STAR criteria. Caps follow: an answer that dodges the question,
speaks badly of others or tries to steer the grader cannot score well however polished (its
score is scaled under the cap, so capped answers keep their order).
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
# How developed the answer is, rated by code from its length (both engines): a one-line answer
# shows an interviewer nothing, a developed one gives them something to judge. Rambling past
# two minutes is concision's business, so the rating stops rising before that.
# Its weight was chosen on our corpus's quality labels (score ROC AUC good vs bad: 0.835 without,
# 0.846 at 10, 0.849 at 20, 0.850 at 30): past 20 it adds nothing.
DEVELOPMENT_WEIGHT = 20
DEVELOPMENT_BANDS = ((15, 1), (30, 2), (60, 3), (120, 4))  # (fewer words than, rating); else 5


def development_rating(words: int) -> int:
    return next((rating for limit, rating in DEVELOPMENT_BANDS if words < limit), 5)

CAP_NO_ANSWER = 25
CAP_NEGATIVE = 40
CAP_INJECTION = 10


def score(
    ratings: dict[str, int],
    *,
    words: int | None = None,
    story_required: bool = True,
    dodged: bool = False,
    negative: bool = False,
    injected: bool = False,
    leave_out: frozenset[str] = frozenset(),
) -> int:
    """`leave_out`: criteria of checks the user turned off, not rated and not weighed."""
    missing = set(CRITERIA) - set(ratings) - leave_out
    if missing:
        raise ValueError(f"missing ratings: {', '.join(sorted(missing))}")
    weights = {name: weight for name, weight in CRITERIA.items() if name not in leave_out}
    if words is not None:
        ratings = ratings | {"development": development_rating(words)}
        weights["development"] = DEVELOPMENT_WEIGHT
    value = weighted(ratings, weights)
    if not story_required:
        without_star = {name: w for name, w in weights.items() if name not in STAR_PARTS}
        value = max(value, weighted(ratings, without_star))
    return capped(value, [cap for applies, cap in ((dodged, CAP_NO_ANSWER), (negative, CAP_NEGATIVE),
                                                    (injected, CAP_INJECTION)) if applies])


def capped(value: int, caps: list[int]) -> int:
    """The score under the lowest cap that applies, scaled into it (value * cap / 100) rather
    than cut off at it: capped answers keep their order, so a dodge that still says something
    ranks above one that says nothing, and neither passes the cap. (Cut off, most capped
    answers tied at the cap: on our corpus the score's ROC AUC good vs bad was 0.838, scaled
    0.849.) For answers and the other kinds alike."""
    return round(min(caps) * value / 100) if caps else value


def weighted(ratings: dict[str, int], weights: dict[str, int]) -> int:
    total = sum(weight * (_clamp(ratings[name]) - 1) / 4 for name, weight in weights.items())
    return round(100 * total / sum(weights.values()))


def _clamp(rating: int) -> int:
    return max(1, min(5, int(rating)))


def score_of(critique, ratings: dict[str, int] | None = None, leave_out: frozenset[str] = frozenset()) -> int:
    """The score of an answer's critique from what it holds (both engines): its ratings (or
    `ratings`), its length, whether its question asks for a story, and the caps its findings
    call for: no answer (a `problem` of a check whose `caps` is no-answer in coach/data/checks.yaml:
    too short, a dodge, what the question's kind asks for), negativity, an attempt to steer the
    grader (a finding of a check that `caps` injection)."""
    from coach.rules.check_docs import capping
    from coach.rules.questions import asks_for_story

    ratings = critique.ratings if ratings is None else ratings
    findings = critique.findings
    no_answer, steering = capping("no-answer"), capping("injection")
    return score(
        ratings,
        words=critique.metrics.words,
        story_required=asks_for_story(critique.question),
        dodged=any(f.check in no_answer and f.severity == "problem" for f in findings),
        negative="tone" not in leave_out and (critique.checks.negativity.flagged or ratings.get("tone") == 1),
        injected=any(f.check in steering for f in findings),
        leave_out=leave_out,
    )

