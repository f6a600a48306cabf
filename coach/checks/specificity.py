"""Specificity: concrete numbers and outcomes, and ownership ("I" rather than a vague "we").

What counts as a quantity is a pattern (below); the vague claims are data
(coach/data/checks/specificity.yaml). It rates specificity, which hedges undercut too: it
counts the hedges the hedging check reports (`hedging.reported_hedges`, found once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from coach.checks.base import Check, Outcome, entries, quoted_findings
from coach.checks.hedging import reported_hedges
from coach.models import Finding, SpecificityCheck
from coach.rules.text import Document, Phrases, lowered, per_document

ID = "specificity"

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


@cache
def _vague() -> Phrases:
    return Phrases(entries(ID, "vague"))


_I_STATEMENT = re.compile(r"(?i)(?<![\w'])i(?:'ve|'d|'m)?\s")
_WE_STATEMENT = re.compile(r"(?i)(?<![\w'])we(?:'ve|'d|'re)?\s")


@dataclass
class SpecificityOutcome(Outcome):
    quantities: int = 0
    vague_claims: int = 0
    i_statements: int = 0
    we_statements: int = 0
    hedges: int = 0

    def ratings(self) -> dict[str, int]:
        rating = 5 if self.quantities >= 2 else 4 if self.quantities == 1 else 2
        # Vague claims and hedges ("around 8 percent, I think") undercut whatever numbers there are.
        return {"specificity": max(1, rating - min(2, (self.vague_claims + self.hedges) // 2))}

    def strengths(self, document: Document) -> list[tuple[str, str]]:
        return [("specificity", "Backs claims with concrete numbers.")] if self.quantities >= 2 else []

    def report(self) -> dict:
        return {"checks.specificity": SpecificityCheck(
            quantified=self.quantities > 0, numbers=self.quantities, vague_claims=self.vague_claims,
            i_statements=self.i_statements, we_statements=self.we_statements,
        )}


# Course and model numbers ("CS 101", "MATH 2250"): upper case, so matched case-sensitively.
_CODE_NUMBER = re.compile(r"\b[A-Z]{2,}\s?\d{2,4}\b")

# Where a match of _QUANTITY or _NOT_QUANTITY can start: a currency sign, or the start of a
# word that opens one of their alternatives. Tried at every character, their many alternatives
# cost ~0.4 µs a character; tried only at these few words, a fraction of that. The list must
# stay a superset of both patterns' openings: a new alternative adds its first word here.
_NUMBER_WORDS = _NUMBER_WORD.split("|")
_OPENING_WORDS = _NUMBER_WORDS + [
    "team", "group", "staff", "class", "cohort", "crew", "council", "committee", "squad", "panel", "board",
    "by", "in", "cut", "half", "doubled", "tripled", "quadrupled", "halved",
    "within", "under", "after", "took", "takes", "taking", "inside", "per",
    "one", "age", "turned", "for",
]


def _by_first_letter(words: list[str]) -> str:
    """An alternation of words grouped by first letter ("t(?:wo|hree|en)|f(?:our|ive)"), so
    re tries one group at a word's start, not every word."""
    groups: dict[str, set[str]] = {}
    for word in words:
        groups.setdefault(word[0], set()).add(re.escape(word[1:]))
    return "|".join(
        re.escape(first) + "(?:" + "|".join(sorted(rests, key=len, reverse=True)) + ")" for first, rests in groups.items()
    )


# Matched case-sensitively in the lowered text (coach.rules.text.lowered), which keeps every offset
# and finds just what IGNORECASE finds in the text; \d and \b are the same in both.
_OPENINGS = re.compile(rf"[$€£¥₹]|\b(?:\d|(?:an?|i)\b|{_by_first_letter(_OPENING_WORDS)})")


def _matches(pattern: re.Pattern[str], starts: list[int], text: str) -> list[re.Match[str]]:
    """pattern.finditer(text), tried only where a match can start (the matches are never
    empty, so each search resumes where the last match ended, as finditer does)."""
    found, end = [], 0
    for position in starts:
        if position >= end and (match := pattern.match(text, position)):
            found.append(match)
            end = match.end()
    return found


@per_document
def document_quantities(document: Document) -> list[tuple[int, int]]:
    """The quantities of an answer, shared (specificity, STAR, the models)."""
    return quantity_spans(document.straight)


def quantity_spans(text: str) -> list[tuple[int, int]]:
    lower = lowered(text)
    if lower is None:  # rare ("İ" lowers to two characters): the patterns tried everywhere
        quantities = list(_QUANTITY.finditer(text))
        excluding = list(_NOT_QUANTITY.finditer(text))
    else:
        starts = [m.start() for m in _OPENINGS.finditer(lower)]
        quantities = _matches(_QUANTITY, starts, text)
        excluding = _matches(_NOT_QUANTITY, starts, text) if quantities else []
    if not quantities:
        return []  # nothing to exclude from
    excluded = [m.span() for m in excluding]
    excluded += [m.span() for m in _CODE_NUMBER.finditer(text)]
    return [m.span() for m in quantities if not any(s <= m.start() < e for s, e in excluded)]


@per_document
def run(document: Document) -> SpecificityOutcome:
    text = document.straight
    quantities = document_quantities(document)
    vague = list(_vague().finditer(text, document.straight_lower))
    outcome = SpecificityOutcome(
        quantities=len(quantities),
        vague_claims=len(vague),
        i_statements=len(_I_STATEMENT.findall(text)),
        we_statements=len(_WE_STATEMENT.findall(text)),
        hedges=len(reported_hedges(document)),
    )
    if not quantities:
        outcome.findings.append(
            Finding(
                check=ID,
                severity="warning",
                message="No concrete numbers: no count, amount, percentage or duration.",
                suggestion="Add one measurable detail: how many, how much, how fast, by when.",
            )
        )
    outcome.findings += quoted_findings(document, ID, "info", [m.span() for m in vague[:3]], '"{quote}" is vague.',
                                        "Replace it with a number or a concrete outcome.")
    outcome.flagged = not quantities
    return outcome


CHECK = Check(
    id=ID,
    description="Counts, amounts, percentages and durations; vague claims; I versus we.",
    run=run,
    must_flag=(
        "The launch was very successful and we did a lot of things.",
        "I am 25 years old and was the first hire.",
        "In 2019 I joined the company.",
    ),
    must_pass=(
        "I cut the onboarding time from 10 days to 4.",
        "Sales grew 18% in two quarters.",
        "I managed a team of five engineers.",
        "We saved $40k a year on hosting.",
    ),
)
