"""Specificity: concrete numbers and outcomes, and ownership ("I" rather than a vague "we")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.checks import Check, Outcome
from coach.models import Finding, Span
from coach.text import Document, compile_phrases

# A quantity is a cardinal number with what it counts: digits or words ("two technicians",
# "fifty chapters", "a team of four", "$50,000", "30%"), or how long an effort took ("within
# an hour"). What is not an amount is excluded: years and dates ("in 2019", "two years ago"),
# tenure and age ("for five years", "24 years old"), ordinals, times of day, course numbers,
# and loose counts ("a few", "a couple of", "one of the things").
_NUMBER_WORD = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens"
)
_DURATION = r"seconds?|minutes?|hours?|days?|nights?|weeks?|months?|quarters?|semesters?|years?|shifts?|sprints?"
_DIGITS = r"\d[\d,.]*(?:\s\d{3})*"
_QUANTITY = re.compile(
    rf"""(?xi)
    [$€£¥₹]\s?\d[\d,.\s]*(?:k|m|bn|million|billion|thousand)?
    | \b{_DIGITS}\s?(?:%|percent\b|per\s*cent\b|x\b|k\b)
    | \b(?!(?:19|20)\d\d\b){_DIGITS}(?!\s*(?:st|nd|rd|th|am|pm|a\.m|p\.m)\b)(?![:\d])(?=\s*[-–]?\s*[a-z$€£%])
    | \b(?:{_NUMBER_WORD})(?:[\s-]+(?:{_NUMBER_WORD}|and))*(?=[\s-]+(?:of\s+)?[a-z])
    | \b(?:team|group|staff|class|cohort|crew|council|committee|squad|panel|board)\s+of\s+(?:\d+|{_NUMBER_WORD})\b
    | \b(?:by|in|cut\s+(?:it\s+)?in)\s+half\b | \bhalf\s+(?:of\s+)?(?:the|our|my|a|an)\b | \ba\s+(?:third|quarter)\s+of\b
    | \b(?:doubled|tripled|quadrupled|halved)\b
    | \b(?:in|within|under|after|took|takes|taking|inside|per|an?\s+(?:full|whole|single))\s+(?:an?|one)\s+(?:{_DURATION})\b
    | \b\d+\s?(?:/|out\ of)\s?\d+\b
    """
)
# Amounts that are not what the answer achieved or handled: dates, tenure, age.
_NOT_QUANTITY = re.compile(
    rf"""(?xi)
    \b(?:{_DIGITS}|{_NUMBER_WORD}|a|an|one)(?:[\s-]+(?:and\s+a\s+half|{_NUMBER_WORD}))?[\s-]+(?:{_DURATION})[\s-]+(?:ago|old|earlier|before\s+that)\b
    | \b\d+\s*(?:-year-old|year\s+old)\b | \bage(?:d)?\s+\d+ | \b(?:i\s+was|i'm|i\s+am|turned)\s+\d{{1,2}}\b(?!\s*(?:%|percent))
    | \bfor\s+(?:the\s+(?:last|past)\s+|about\s+|almost\s+|nearly\s+|over\s+)?(?:{_DIGITS}|{_NUMBER_WORD})\s+(?:years?|months?)\b
    | \b(?:{_DIGITS}|{_NUMBER_WORD})\s+years?\s+(?:of\s+experience|in\s+the\s+(?:industry|field|role|job))
    | \b(?:hundreds|thousands|millions|dozens)\s+of\b
    | \b(?:one|two|three)\s+or\s+(?:two|three|four)\b
    """
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


# Course and model numbers ("CS 101", "MATH 2250"): upper case, so matched case-sensitively.
_CODE_NUMBER = re.compile(r"\b[A-Z]{2,}\s?\d{2,4}\b")


def document_quantities(document: Document) -> list[tuple[int, int]]:
    """The quantities of an answer, found once and shared (specificity, STAR, the models)."""
    found = document.memo.get("quantities")
    if found is None:
        found = document.memo["quantities"] = quantity_spans(document.text.replace("’", "'"))
    return found


def quantity_spans(text: str) -> list[tuple[int, int]]:
    excluded = [(m.start(), m.end()) for pattern in (_NOT_QUANTITY, _CODE_NUMBER) for m in pattern.finditer(text)]
    return [
        (m.start(), m.end())
        for m in _QUANTITY.finditer(text)
        if not any(s <= m.start() < e for s, e in excluded)
    ]


def run(document: Document) -> SpecificityOutcome:
    text = document.text.replace("’", "'")
    quantities = document_quantities(document)
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
