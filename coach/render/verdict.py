"""What a critique means, said once for every renderer (text, markdown, csv, html, the batch
summary): the score's band, the short labels of what went wrong, the verdict sentence.
Renderers ask here; none of them compares a score with a number of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.models import Critique


@dataclass(frozen=True)
class Band:
    floor: int  # the lowest score in the band
    label: str  # as the verdict says it
    tone: str  # good | fair | weak: the colour a renderer gives the score


# Highest first. "Strong" also needs no problem finding (see `verdict`).
BANDS = (
    Band(80, "Strong", "good"),
    Band(60, "Promising", "good"),
    Band(35, "Needs work", "fair"),
    Band(0, "Weak", "weak"),
)


def band(score: int) -> Band:
    return next(b for b in BANDS if score >= b.floor)


@dataclass(frozen=True)
class Issue:
    label: str  # short, for a table cell ("negative")
    verdict: str  # in the verdict sentence ("negative about others")
    recurring: str  # in the batch summary: "N of M answers …"


NEGATIVE = Issue("negative", "negative about others", "speak negatively about others")
RAMBLING = Issue("rambling", "rambling", "ramble")
NO_NUMBERS = Issue("no numbers", "no numbers", "give no numbers")
ISSUES = (NEGATIVE, RAMBLING, NO_NUMBERS)


def issues(critique: Critique) -> list[Issue]:
    """What the answer's checks flag, most telling first."""
    checks = critique.checks
    flagged = {NEGATIVE: checks.negativity.flagged, RAMBLING: checks.rambling.flagged,
               NO_NUMBERS: not checks.specificity.quantified}
    return [issue for issue in ISSUES if flagged[issue]]


# Checks whose problems the issues above already name (drifting off topic is rambling).
_LABELLED_AS_ISSUES = ("star", "negativity", "rambling", "off-topic")


def labels(critique: Critique) -> list[str]:
    """Short labels for a table: the flagged issues, other checks with a problem, a fallback."""
    found = [issue.label for issue in issues(critique)]
    for finding in critique.findings:
        if finding.severity == "problem" and finding.check not in _LABELLED_AS_ISSUES and finding.check not in found:
            found.append(finding.check)
    if critique.fallback_reason:
        found.append("fallback")
    return found


def verdict(c: Critique) -> str:
    if c.kind != "answer":
        return _kind_verdict(c)
    if _strong(c, [f for f in c.findings if f.severity == "problem" and f.check != "star"]):
        if c.findings or c.suggestions:
            return "Strong answer. Polish the points noted and it is ready."
        return "Strong answer, ready as it is."
    missing = [name for name, part in c.star.parts() if not part.present and name != "task"]
    said = (["no " + " or ".join(missing)] if missing else []) + [issue.verdict for issue in issues(c)]
    return f"{_level(c.score)}: {', '.join(said) if said else 'see the findings'}."


_KIND_NOUNS = {"thank-you": "email", "questions": "set of questions"}


def _kind_verdict(c: Critique) -> str:
    """A thank-you email or a set of questions: the level, and what weighs most against it."""
    noun = _KIND_NOUNS[c.kind]
    if _strong(c, [f for f in c.findings if f.severity == "problem"]):
        to_polish = any(f.severity != "info" for f in c.findings)
        return f"Strong {noun}." + (" Polish the points noted and it is ready." if to_polish else " Ready as it is.")
    worst = [f.message.rstrip(".") for f in c.findings if f.severity == "problem"]
    worst = worst or [f.message.rstrip(".") for f in c.findings if f.severity == "warning"]
    return f"{_level(c.score)}: {worst[0].lower() if worst else 'see the findings'}."


def _strong(c: Critique, problems: list) -> bool:
    return band(c.score) is BANDS[0] and not problems


def _level(score: int) -> str:
    """The band's label for an answer that is not "Strong": a problem finding keeps even a
    high score out of the top band."""
    return next(b for b in BANDS[1:] if score >= b.floor).label
