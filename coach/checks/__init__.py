"""The offline checks, registered in one place.

What a check is (`Check`, `Outcome`) is coach/checks/base.py. The registry's order is the order
of the critique's findings; coach/rules/offline.py iterates it without naming a check.
"""

from __future__ import annotations

from functools import cache

from coach.checks.base import Check, Outcome

__all__ = ["Check", "Outcome", "registry"]


@cache
def registry() -> dict[str, Check]:
    # Imported here so each check module stays importable on its own.
    from coach.checks import (
        hedging,
        injection,
        negativity,
        off_topic,
        overconfidence,
        question_rubric,
        rambling,
        relevance,
        specificity,
        star,
    )

    modules = (star, rambling, off_topic, negativity, specificity, hedging, overconfidence, injection, relevance, question_rubric)
    return {module.CHECK.id: module.CHECK for module in modules}
