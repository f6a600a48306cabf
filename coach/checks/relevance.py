"""Relevance: an answer too short to say anything, or one that dodges the question."""

from __future__ import annotations

import re

from coach import thresholds as t
from coach.checks import Check, Outcome
from coach.models import Finding
from coach.text import Document

_DODGE = re.compile(
    r"(?i)\b(?:can['’]?t|cannot|couldn['’]?t)\s+think\s+of|\bdon['’]?t\s+(?:know|remember|have\s+(?:an?\s+)?(?:example|answer))|"
    r"\bhaven['’]?t\s+had\s+(?:the\s+)?(?:chance|opportunity)|\bnever\s+(?:had|been\s+in)\s+(?:that|such|a)\b|"
    r"\bnot\s+had\s+the\s+chance|^\W*(?:i(?:'ll|\s+will)?\s+)?pass\W*$|\bno\s+comment\b"
)


def run(document: Document) -> Outcome:
    outcome = Outcome()
    if document.word_count < t.MIN_ANSWER_WORDS:
        outcome.findings.append(
            Finding(
                check="relevance",
                severity="problem",
                message=f"Only {document.word_count} words: too short to show anything about you.",
                suggestion="Give one concrete example: context, what you did, how it turned out.",
            )
        )
    # A dodge opens the answer; "I don't know yet, but…" inside a story is candour, not a dodge.
    opening = document.sentences[0].text if document.sentences else ""
    dodge = _DODGE.search(opening)
    if dodge:
        outcome.findings.append(
            Finding(
                check="relevance",
                severity="problem",
                message="The answer avoids the question instead of answering it.",
                span=document.span(document.sentences[0].start + dodge.start(), document.sentences[0].start + dodge.end()),
                suggestion="Prepare one real example for this question; a small one beats none.",
            )
        )
    outcome.flagged = bool(outcome.findings)
    return outcome


CHECK = Check(
    id="relevance",
    description="Answers too short to show anything, or that dodge the question.",
    run=run,
    flags=(
        "I can't think of one.",
        "I don't think I've had the chance to do that yet, sorry.",
    ),
    passes=(
        "At my last job our support queue doubled in a month, so I wrote a triage guide for the "
        "team and trained two new hires on it; within six weeks we were answering every ticket "
        "within a day again and the backlog was gone.",
        "Last year a customer asked why her refund was late. I told her I don't know yet, but "
        "I would find out by noon; I called the payments team and phoned her back within the hour.",
    ),
)
