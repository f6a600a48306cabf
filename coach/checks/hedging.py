"""Hedging: phrases that undercut the candidate's own story ("I guess", "maybe", "kind of").

The hedges are data (coach/data/checks/hedging.yaml). The ones reported also cost the
specificity rating, which counts them through `reported_hedges` (coach/checks/specificity.py).
"""

from __future__ import annotations

import re
from functools import cache

from coach.checks.base import Check, entries, limit, phrase_check_run
from coach.rules.text import Document, Phrases, per_document, word_before

ID = "hedging"


@cache
def _hedges() -> Phrases:
    return Phrases(entries(ID, "hedges"))


@cache
def _noun_determiners() -> frozenset[str]:
    return frozenset(entries(ID, "not_hedge_before_kind_of"))


@per_document
def reported_hedges(document: Document) -> list[tuple[int, int]]:
    """The hedges an answer is told about (the first few, `limits.reported`)."""
    text, lower = document.straight, document.straight_lower
    spans = [m.span() for m in _hedges().finditer(text, lower) if not _names_a_type(text, m)]
    return spans[: limit(ID, "reported")]


def _names_a_type(text: str, match: re.Match[str]) -> bool:
    """ "a new kind of database" names a type; only a bare "kind of" hedges."""
    if match.group().lower().split()[0] not in ("kind", "sort"):
        return False
    return word_before(text, match.start(), reach=20) in _noun_determiners()


run = phrase_check_run(ID, "info", reported_hedges, '"{quote}" sounds unsure.',
                       "State it plainly; if you are unsure of a fact, give the part you know.")


CHECK = Check(
    id=ID,
    description="Hedges that undercut the answer (\"I guess\", \"maybe\", \"sort of\").",
    run=run,
    must_flag=(
        "I guess I was maybe the lead on it.",
        "I'm not sure, it probably went fine.",
        "I kind of led the rollout.",
    ),
    must_pass=(
        "I led the project and shipped it two weeks early.",
        "I was unsure at first, so I asked the team lead for the spec.",
        "We needed a different kind of database.",
    ),
)
