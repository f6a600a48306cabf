"""Specificity: concrete numbers and outcomes, and ownership ("I" rather than a vague "we")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.checks import Check, Outcome
from coach.models import Finding, Span
from coach.text import Document, compile_phrases

_SMALL_NUMBER = r"a|an|one|two|three|four|five|six|seven|eight|nine|a\s+couple\s+of|a\s+few"
_LARGE_NUMBER = (
    r"ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"hundreds|thousand|thousands|million|millions|billion|dozen|dozens|half|a\s+third|a\s+quarter"
)
_DURATION = r"minutes?|hours?|days?|weeks?|months?|quarters?|years?|sprints?"
_COUNTED = (
    r"people|persons?|engineers?|developers?|members?|staff|employees?|clients?|customers?|users?|"
    r"accounts?|students?|tickets?|calls?|orders?|sales|deals?|projects?|reports?|tests?|issues?|"
    r"bugs?|sites?|stores?|branches?|countries|languages|steps?|pages?|items?|units?|leads?|points?|"
    r"dollars?|euros?|pounds?|teams?|departments?|releases?|features?|applications?|candidates?|"
    r"hires?|vendors?|suppliers?|patients?|warehouses?|options?|servers?|stakeholders?|records?"
)
_UNIT = rf"%|percent|per\s*cent|x\b|k\b|m\b|bn\b|thousand\b|million\b|billion\b|s\b|ms\b|hrs?\b|mins?\b|times|{_DURATION}|{_COUNTED}"
_EFFORT = r"in|within|over|after|under|than|about|around|roughly|nearly|almost|just|only|by|took|takes|from|to"
# A quantity: money, a percentage, a number with what it counts, or how long an effort took.
# Years, ordinals, ages, tenure ("for three months") and small loose counts ("two members")
# do not make an answer specific.
_QUANTITY = re.compile(
    rf"""(?xi)
    [$€£¥]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?
    | \b\d[\d,.]*\s?(?:-|–|to|or)?\s?(?:\d[\d,.]*\s?)?(?:{_UNIT})
    | \b(?:{_LARGE_NUMBER})(?:\s+or\s+(?:{_LARGE_NUMBER}))?\s+(?:(?:different|new|key|more|extra|full|major|separate|of\s+(?:the|our|my))\s+)?(?:{_UNIT})
    | \b(?:{_EFFORT})\s+(?:(?:about|around|roughly|only|just|under|over|less\s+than|more\s+than)\s+)?(?:{_SMALL_NUMBER})\s+(?:{_DURATION})\b
    | \b(?:{_SMALL_NUMBER}|{_LARGE_NUMBER})\s+(?:percent|per\s*cent)
    | \b(?:{_SMALL_NUMBER})\s+(?:more|extra|additional|fewer)\s+(?:{_DURATION}|{_COUNTED})\b
    | \b(?:{_SMALL_NUMBER})\s+(?:{_DURATION})\s+(?:early|earlier|ahead|before|sooner|faster|later|late)\b
    | \b(?!(?:19|20)\d\d\b)\d[\d,.]*\s+[a-z]+\s+(?:{_COUNTED})\b
    | \bfrom\s+\d[\d,.]*\s?\w*\s+(?:to|down\ to)\s+\d
    | \b(?:team|group|staff|class|cohort|crew)\s+of\s+(?:\d+|{_SMALL_NUMBER}|{_LARGE_NUMBER})\b
    | \btop\s+\d+\b
    | \b\d+\s?(?:/|out\ of)\s?\d+\b
    | \b(?:by|over|under|nearly|almost|about|around|roughly|approximately|more\ than|less\ than)\s+\d[\d,.]*\b(?!\s*(?:years?\s+old|st|nd|rd|th)\b)
    """
)
_NOT_QUANTITY = re.compile(
    r"(?i)\b\d+\s*(?:years?\s+old|-year-old|year\s+old)\b|\bage(?:d)?\s+\d+"
    r"|\bfor\s+(?:the\s+(?:last|past)\s+)?\d+\s+(?:years?|months?)\b|\b\d+\s+years?\s+of\s+experience"
)
_VAGUE = compile_phrases(
    ["very successful", "a lot", "lots of", "many", "a bunch of", "some stuff", "things",
     "various", "several things", "huge success", "really well", "very well", "great results",
     "significantly", "much better", "stuff", "etc", "and so on", "pretty good", "quite a few",
     "a great deal", "tons of", "successful"]
)
_I_STATEMENT = re.compile(r"(?i)(?<![\w'])i(?:'ve|'d|'m)?\s")
_WE_STATEMENT = re.compile(r"(?i)(?<![\w'])we(?:'ve|'d|'re)?\s")


@dataclass
class SpecificityOutcome(Outcome):
    quantities: int = 0
    vague_claims: int = 0
    i_statements: int = 0
    we_statements: int = 0


def quantity_spans(text: str) -> list[tuple[int, int]]:
    excluded = [(m.start(), m.end()) for m in _NOT_QUANTITY.finditer(text)]
    return [
        (m.start(), m.end())
        for m in _QUANTITY.finditer(text)
        if not any(s <= m.start() < e for s, e in excluded)
    ]


def run(document: Document) -> SpecificityOutcome:
    text = document.text.replace("’", "'")
    quantities = quantity_spans(text)
    vague = list(_VAGUE.finditer(text))
    outcome = SpecificityOutcome(
        quantities=len(quantities),
        vague_claims=len(vague),
        i_statements=len(_I_STATEMENT.findall(text)),
        we_statements=len(_WE_STATEMENT.findall(text)),
    )
    if not quantities:
        outcome.findings.append(
            Finding(
                check="specificity",
                severity="warning",
                message="No concrete numbers: no count, amount, percentage or duration.",
                suggestion="Add one measurable detail: how many, how much, how fast, by when.",
            )
        )
    for match in vague[:3]:
        outcome.findings.append(
            Finding(
                check="specificity",
                severity="info",
                message=f'"{match.group()}" is vague.',
                span=Span.of(document.text, match.start(), match.end()),
                suggestion="Replace it with a number or a concrete outcome.",
            )
        )
    outcome.flagged = not quantities
    return outcome


CHECK = Check(
    id="specificity",
    description="Counts, amounts, percentages and durations; vague claims; I versus we.",
    run=run,
    flags=(
        "The launch was very successful and we did a lot of things.",
        "I am 25 years old and was the first hire.",
        "In 2019 I joined the company.",
    ),
    passes=(
        "I cut the onboarding time from 10 days to 4.",
        "Sales grew 18% in two quarters.",
        "I managed a team of five engineers.",
        "We saved $40k a year on hosting.",
    ),
)
