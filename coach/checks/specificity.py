"""Specificity: concrete numbers and outcomes, and ownership ("I" rather than a vague "we")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.checks import Check, Outcome
from coach.models import Finding, Span
from coach.text import Document, compile_phrases

_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens|half|a\s+third|a\s+quarter|double|twice|triple"
)
_UNIT = (
    r"%|percent|per\s*cent|x\b|k\b|m\b|bn\b|hours?|hrs?|days?|weeks?|months?|quarters?|years?|minutes?|mins?|"
    r"seconds?|s\b|ms\b|people|persons?|engineers?|developers?|members?|staff|employees?|clients?|customers?|"
    r"users?|accounts?|students?|tickets?|calls?|orders?|sales|deals?|projects?|reports?|tests?|issues?|bugs?|"
    r"sites?|stores?|branches?|countries|languages|times?|steps?|pages?|items?|units?|leads?|points?|stars?|"
    r"dollars?|euros?|pounds?|teams?|departments?|sprints?|releases?|features?|applications?|candidates?|hires?|vendors?|suppliers?|patients?"
)
# A quantity: money, a percentage, or a number with what it counts. Years, ordinals,
# ages ("25 years old") and bare numbers do not make an answer specific.
_QUANTITY = re.compile(
    rf"""(?xi)
    [$€£¥]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?
    | \b\d[\d,.]*\s?(?:{_UNIT})
    | \b\d[\d,.]*\s?(?:-|to|or)\s?\d[\d,.]*\s?(?:{_UNIT})
    | \b(?:{_NUMBER_WORDS})(?:\s+or\s+(?:{_NUMBER_WORDS}))?\s+(?:(?:different|new|key|more|extra|full|major|separate|straight|consecutive|of\s+(?:the|our|my))\s+)?(?:{_UNIT})
    | \bfrom\s+\d[\d,.]*\s?\w*\s+(?:to|down\ to)\s+\d
    | \b(?:team|group|staff|class|cohort)\s+of\s+(?:\d+|{_NUMBER_WORDS})\b
    | \btop\s+\d+\b
    | \b\d+\s?(?:/|out\ of)\s?\d+\b
    | \b(?:by|over|under|nearly|almost|about|around|roughly|approximately|more\ than|less\ than)\s+\d[\d,.]*\b(?!\s*(?:years?\s+old|st|nd|rd|th)\b)
    """
)
_NOT_QUANTITY = re.compile(r"(?i)\b\d+\s*(?:years?\s+old|-year-old|year\s+old)\b|\bage(?:d)?\s+\d+")
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
