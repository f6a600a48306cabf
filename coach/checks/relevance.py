"""Relevance: an answer too short to say anything, one that dodges the question, or one that
misses what its kind of question asks for (weakness here; why leaving, a failure, tell me about
yourself in coach/checks/question_types.py)."""

from __future__ import annotations

import re

from coach import thresholds as t
from coach.checks import Check, Outcome
from coach.models import Finding, Span
from coach.text import Document

_DODGE = re.compile(
    r"(?i)\b(?:can['’]?t|cannot|couldn['’]?t)\s+think\s+of|\bdon['’]?t\s+(?:know|remember|have\s+(?:an?\s+)?(?:example|answer))|"
    r"\bhaven['’]?t\s+had\s+(?:the\s+)?(?:chance|opportunity)|\bnever\s+(?:had|been\s+in)\s+(?:that|such|a)\b|"
    r"\bnot\s+had\s+the\s+chance|^\W*(?:i(?:'ll|\s+will)?\s+)?pass\W*$|\bno\s+comment\b"
)


def run(document: Document) -> Outcome:
    outcome = Outcome()
    if document.word_count < document.limits.min_answer_words:
        outcome.findings.append(
            Finding(
                check="relevance",
                severity="problem",
                message=f"Only {document.word_count} words: too short to show anything about you.",
                suggestion="Give one concrete example: context, what you did, how it turned out.",
            )
        )
    dodge = _dodge_span(document)
    if dodge is not None:
        outcome.findings.append(
            Finding(
                check="relevance",
                severity="problem",
                message="The answer avoids the question instead of answering it.",
                span=dodge,
                suggestion="Prepare one real example for this question; a small one beats none.",
            )
        )
    if dodge is None:
        outcome.findings += _type_findings(document)
    # Credits (info: what the answer does right, quoted) are not something to flag.
    outcome.flagged = any(f.severity != "info" for f in outcome.findings)
    return outcome


def _type_findings(document: Document) -> list[Finding]:
    """What the question's kind asks for; a dodge has already said all there is to say."""
    from coach.checks import question_types

    kind = question_types.judged_type(document.question)
    if kind == "weakness":
        return _weakness_findings(document)
    return question_types.findings(document, kind)


def _weakness_findings(document: Document) -> list[Finding]:
    """A weakness question wants a real weakness and what is being done about it: a disguised
    strength ("I'm a perfectionist") dodges it, and a weakness with no step taken is half an
    answer."""
    from coach.kinds import cue

    boast = cue("weakness", "disguised_strengths").search(document.text)
    if boast:
        return [Finding(check="relevance", severity="problem", message="The answer avoids the question instead of answering it: "
                        "a strength passed off as a weakness.", span=document.span(boast.start(), boast.end()),
                        suggestion="Name a real weakness that has cost you something, and what you now do about it.")]
    from coach.learned.decide import star_evidence

    if not star_evidence(document)["action"]:
        return [Finding(check="relevance", severity="warning", message="No step you are taking about the weakness.",
                        suggestion="Say what you now do differently: a habit, a course, a check you run.")]
    return []


def _dodge_span(document: Document) -> Span | None:
    """Where the answer avoids the question: the plain refusal ("I can't think of one") that
    opens it, or the opening sentence of an answer the dodge model (coach/learned) finds
    dodging ("Honestly I've never really had a conflict", "my weakness is that I care too
    much"). "I don't know yet, but…" inside a story is candour, not a dodge."""
    if not document.sentences:
        return None
    opening = document.sentences[0]
    refusal = _DODGE.search(opening.text)
    if refusal:
        return document.span(opening.start + refusal.start(), opening.start + refusal.end())
    from coach.learned.decide import scores
    from coach.learned.model import sentence_model

    model = sentence_model()
    if model.dodge_probability(scores(document)) >= model.dodge_threshold:
        return document.sentence_span(opening)
    return None


CHECK = Check(
    id="relevance",
    description="Answers too short to show anything, that dodge the question, or that miss what its kind asks for.",
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
