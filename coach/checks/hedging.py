"""Hedging and overconfidence: both weaken how an answer lands."""

from __future__ import annotations

from coach.checks import Check, Outcome
from coach.models import Finding
from coach.text import Document, Phrases

_HEDGES = Phrases(
    ["i guess", "i suppose", "maybe", "perhaps", "probably", "i think maybe", "not sure",
     "i'm not sure", "i am not sure", "kind of", "sort of", "i hope", "hopefully", "somewhat",
     "i don't know", "i dont know", "more or less", "i can't think", "i cannot think",
     "can't think of", "i'm trying to think", "i try not to"]
)
_OVERCONFIDENT = Phrases(
    ["i never make mistakes", "i don't make mistakes", "i have no weaknesses", "i don't have any weaknesses",
     "i'm perfect", "i am perfect", "i'm the best", "i am the best", "best candidate", "always right",
     "i'm always right", "nobody does it better", "i know everything", "it's my turn", "prove the company",
     "you'd be crazy", "you would be crazy", "you won't find anyone better"]
)


def run(document: Document) -> Outcome:
    outcome = Outcome()
    text, lower = document.straight, document.straight_lower
    for match in list(_HEDGES.finditer(text, lower))[:3]:
        start, end = match.span()
        outcome.findings.append(
            Finding(
                check="hedging",
                severity="info",
                message=f'"{text[start:end]}" sounds unsure.',
                span=document.span(start, end),
                suggestion="State it plainly; if you are unsure of a fact, give the part you know.",
            )
        )
    for match in _OVERCONFIDENT.finditer(text, lower):
        start, end = match.span()
        outcome.findings.append(
            Finding(
                check="overconfidence",
                severity="warning",
                message=f'"{text[start:end]}" sounds arrogant rather than confident.',
                span=document.span(start, end),
                suggestion="Show confidence with evidence (what you did and achieved), not claims.",
            )
        )
    outcome.flagged = bool(outcome.findings)
    return outcome


CHECK = Check(
    id="hedging",
    description="Hedges (\"I guess\", \"maybe\") and overconfident claims.",
    run=run,
    flags=(
        "I guess I was maybe the lead on it.",
        "Honestly, I never make mistakes.",
        "I'm not sure, it probably went fine.",
    ),
    passes=(
        "I led the project and shipped it two weeks early.",
        "I was unsure at first, so I asked the team lead for the spec.",
    ),
)
