"""Overconfidence: claims that sound arrogant rather than confident ("I never make mistakes").
The claims are data (coach/data/checks/overconfidence.yaml)."""

from __future__ import annotations

from functools import cache

from coach.checks.base import Check, entries, phrase_check_run
from coach.rules.text import Document, Phrases

ID = "overconfidence"


@cache
def _claims() -> Phrases:
    return Phrases(entries(ID, "claims"))


def claims(document: Document) -> list[tuple[int, int]]:
    return [m.span() for m in _claims().finditer(document.straight, document.straight_lower)]


run = phrase_check_run(ID, "warning", claims, '"{quote}" sounds arrogant rather than confident.',
                       "Show confidence with evidence (what you did and achieved), not claims.")


CHECK = Check(
    id=ID,
    description="Claims that sound arrogant rather than confident (\"I never make mistakes\").",
    run=run,
    must_flag=(
        "Honestly, I never make mistakes.",
        "I'm the best candidate you will meet.",
    ),
    must_pass=(
        "I led the project and shipped it two weeks early.",
        "I made a mistake in the first draft and caught it in review.",
    ),
)
