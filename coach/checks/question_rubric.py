"""Question-type: what the question's kind asks for. When the answer dodges it (the relevance
check's `dodge_span`), only this check's own problems stand: a dodge has said the rest.

A weakness here; why leaving, a failure, tell me about yourself in coach/checks/question_types.py.
Cues and limits are data (coach/data/kinds.yaml, a section per kind).
"""

from __future__ import annotations

from coach.checks import question_types
from coach.checks.base import Check, Outcome
from coach.checks.relevance import dodge_span
from coach.models import Finding
from coach.rules.text import Document, per_document

ID = question_types.ID


@per_document
def run(document: Document) -> Outcome:
    findings = _type_findings(document)
    # A dodge has said all there is to say, unless the question's kind has a verdict of its own
    # on it (a fake weakness, a failure put on others): the more specific problem stands.
    if dodge_span(document) is not None and not any(f.severity == "problem" for f in findings):
        findings = []
    # Credits (info: what the answer does right, quoted) are not something to flag.
    return Outcome(findings=findings, flagged=any(f.severity != "info" for f in findings))


def _type_findings(document: Document) -> list[Finding]:
    kind = question_types.judged_type(document.question)
    if kind == "weakness":
        return _weakness_findings(document)
    return question_types.findings(document, kind)


def _weakness_findings(document: Document) -> list[Finding]:
    """A weakness question wants a real weakness and what is being done about it: a disguised
    strength ("I'm a perfectionist") dodges it, and a weakness with no step taken is half an
    answer."""
    from coach.rules.kinds import cue

    boast = cue("weakness", "disguised_strengths").search(document.text)
    if boast:
        return [Finding(check=ID, severity="problem", message="The answer avoids the question instead of answering it: "
                        "a strength passed off as a weakness.", span=document.span(boast.start(), boast.end()),
                        suggestion="Name a real weakness that has cost you something, and what you now do about it.")]
    from coach.learned.decide import star_evidence

    if not star_evidence(document)["action"]:
        return [Finding(check=ID, severity="warning", message="No step you are taking about the weakness.",
                        suggestion="Say what you now do differently: a habit, a course, a check you run.")]
    return []


CHECK = Check(
    id=ID,
    description="What the question's kind asks for: a real weakness and a step taken, a forward-looking reason "
    "for leaving, an owned failure and its lesson, a present-past-future introduction.",
    run=run,
    # Each with the question it answers: without one, no kind is judged.
    must_flag=(
        ("I'm a perfectionist, I work too hard and I care too much about every detail of the job.",
         "What is your greatest weakness?"),
        ("Honestly the pay was bad and my manager never listened to anyone, so I had enough and started looking.",
         "Why are you leaving your current job?"),
    ),
    must_pass=(
        ("I used to say yes to every request from other teams, and last spring I missed two of my own "
         "deadlines in one week. Since then I keep a written list of what I have promised and check it "
         "before I agree to anything new.", "What is your greatest weakness?"),
        ("I have learned a lot in three years at the bakery, and now I want to run a team of my own, which "
         "this role offers from the first month.", "Why are you leaving your current job?"),
    ),
)
