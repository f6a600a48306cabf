"""Relevance: an answer too short to say anything, or one that dodges the question.

What the question's kind asks for (a weakness, why leaving, a failure, tell me about yourself)
is the question-type check's (coach/checks/question_rubric.py), which judges only an answer that
does not dodge: it reads `dodge_span`. The dodge phrases are data (coach/data/checks/relevance.yaml).
"""

from __future__ import annotations

import re
from functools import cache

from coach.checks.base import Check, Outcome, entries
from coach.models import Finding, Span
from coach.rules.text import Document, compile_phrases, per_document

ID = "relevance"
# The whole answer is "pass" ("I'll pass.", "Pass"): a sentence pattern, not a phrase.
_PASS = re.compile(r"(?i)^\W*(?:i(?:'ll|\s+will)?\s+)?pass\W*$")


@cache
def _dodges() -> re.Pattern[str]:
    return compile_phrases(entries(ID, "dodges"))


@per_document
def run(document: Document) -> Outcome:
    outcome = Outcome()
    if document.word_count < document.limits.min_answer_words:
        outcome.findings.append(
            Finding(
                check=ID,
                severity="problem",
                message=f"Only {document.word_count} words: too short to show anything about you.",
                suggestion="Give one concrete example: context, what you did, how it turned out.",
            )
        )
    dodge = dodge_span(document)
    if dodge is not None:
        outcome.findings.append(
            Finding(
                check=ID,
                severity="problem",
                message="The answer avoids the question instead of answering it.",
                span=dodge,
                suggestion="Prepare one real example for this question; a small one beats none.",
            )
        )
    outcome.flagged = bool(outcome.findings)
    return outcome


@per_document
def dodge_span(document: Document) -> Span | None:
    """Where the answer avoids the question (found once): the plain refusal ("I can't think of
    one") that opens it, or the opening sentence of an answer the dodge model (coach/learned)
    finds dodging ("Honestly I've never really had a conflict", "my weakness is that I care too
    much"). "I don't know yet, but…" inside a story is candour, not a dodge."""
    if not document.sentences:
        return None
    opening = document.sentences[0]
    # Curly apostrophes made straight (one character for one, so offsets hold).
    refusal = _dodges().search(opening.text.replace("’", "'")) or _PASS.search(opening.text)
    if refusal:
        return document.span(opening.start + refusal.start(), opening.start + refusal.end())
    from coach.learned.decide import scores
    from coach.learned.model import sentence_model

    model = sentence_model()
    if model.dodge_probability(scores(document)) >= model.dodge_threshold:
        return document.sentence_span(opening)
    return None


CHECK = Check(
    id=ID,
    description="Answers too short to show anything, or that dodge the question.",
    run=run,
    must_flag=(
        "I can't think of one.",
        "I don't think I've had the chance to do that yet, sorry.",
    ),
    must_pass=(
        "At my last job our support queue doubled in a month, so I wrote a triage guide for the "
        "team and trained two new hires on it; within six weeks we were answering every ticket "
        "within a day again and the backlog was gone.",
        "Last year a customer asked why her refund was late. I told her I don't know yet, but "
        "I would find out by noon; I called the payments team and phoned her back within the hour.",
    ),
)
