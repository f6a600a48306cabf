"""Judging a model's reply, the same for every kind of text: each quote checked against the
text, each piece of advice through the guard, a tally of what was used, and the findings for
what was claimed but could not be verified. Used by coach/llm/critic.py (answers) and
coach/llm/kind_critic.py (thank-you emails, questions to ask)."""

from __future__ import annotations

from collections.abc import Callable

from coach.llm.failures import LLMFailure
from coach.llm.guard import Guard, is_junk
from coach.llm.verify import AnswerIndex, verify_quotes
from coach.models import Answer, Finding, Span

UNVERIFIED_RATING_CAP = 2
MAX_STRENGTHS = 3
MAX_SUGGESTIONS = 5


def checking(answer: Answer, restore: Callable[[str], str] | None):
    """What every reply is checked with: the redaction undone (identity when nothing was
    redacted), the answer's quotable text, the advice guard, and the tally of what was used."""
    return restore or (lambda text: text), AnswerIndex(answer.text), Guard(answer.text, answer.question), Tally()


def prose_of(review, guard: Guard, restore, tally: Tally, *, rewrite_optional: bool = False):
    """(strengths, suggestions, rewrite) of a review that the guard lets through. With
    `rewrite_optional`, an empty rewrite is no rewrite, not rejected advice."""
    strengths = advice_of(review.strengths, guard.strength_ok, restore, tally)[:MAX_STRENGTHS]
    suggestions = advice_of(review.suggestions, guard.advice_ok, restore, tally)[:MAX_SUGGESTIONS]
    rewrite = restore(review.rewrite).strip()
    if rewrite_optional and not rewrite:
        return strengths, suggestions, None
    if not tally.prose(guard.rewrite_ok(rewrite)):
        rewrite = None
    return strengths, suggestions, rewrite


def ensure_usable(tally: Tally, *, claims: bool) -> None:
    """LLMFailure when the reply is mostly junk, or claims something (`claims`: a STAR part or
    a criterion present) or quotes and not one quote is the text's own."""
    if is_junk(tally.rejected, tally.total):
        raise LLMFailure(f"the reply was mostly junk: {tally.describe()}")
    if tally.verified == 0 and (tally.quoted or claims):
        # Judgements that point at nothing in the answer are not a critique of it, however
        # fluent the advice (SmolLM2 gave no quote and praised events it made up). A reply
        # that claims no STAR part and offers no quote (an honest one to "What would you like
        # to ask us?") has nothing to verify, and is kept.
        raise LLMFailure(f"the reply quoted nothing from the answer: {tally.describe()}")


def judge_part(judged, index: AnswerIndex, restore, tally: Tally) -> tuple[list[Span], int, bool]:
    """A part or criterion the model calls present (or not), with quotes: (the verified spans,
    the rating, whether the claim is verified). Claimed present with no surviving quote, or
    not present, it is rated at most UNVERIFIED_RATING_CAP."""
    spans, dropped = verify_quotes(index, [restore(q) for q in judged.quotes])
    tally.quotes(len(judged.quotes), dropped)
    verified = bool(spans) or not judged.present
    rating = judged.rating
    if not verified or not judged.present:
        rating = min(rating, UNVERIFIED_RATING_CAP)
    return spans, rating, verified


class Tally:
    """What of the reply was used: quotes (verbatim or dropped) and prose (kept or rejected)."""

    def __init__(self) -> None:
        self.quoted = 0
        self.dropped: list[str] = []
        self.prose_total = 0
        self.prose_rejected = 0

    def quotes(self, given: int, dropped: list[str]) -> None:
        self.quoted += given
        self.dropped += dropped

    def prose(self, ok: bool) -> bool:
        self.prose_total += 1
        self.prose_rejected += not ok
        return ok

    @property
    def total(self) -> int:
        return self.quoted + self.prose_total

    @property
    def verified(self) -> int:
        return self.quoted - len(self.dropped)

    @property
    def rejected(self) -> int:
        return len(self.dropped) + self.prose_rejected

    def describe(self) -> str:
        # Both counts, so a reader (and bench/llama_local.py) can tell invented quotes from bad advice.
        return (f"{len(self.dropped)} of {self.quoted} quotes were dropped (not in the answer, or empty), "
                f"{self.prose_rejected} of {self.prose_total} comments and advice were unusable")


def unverified_finding(claim: str, where: str) -> Finding:
    return Finding(
        check="evidence",
        severity="warning",
        message=f"The model says {claim}, but none of its quotes are in {where}: unverified, rated at most "
        f"{UNVERIFIED_RATING_CAP}.",
    )


def concerns_of(review, index: AnswerIndex, guard: Guard, restore, tally: Tally) -> list[Finding]:
    findings = []
    for concern in review.concerns:
        span = index.locate(restore(concern.quote))
        tally.quotes(1, [] if span else [concern.quote])
        if span is None:
            continue
        # A real quote does not make the comment on it advice: a small model "explains" a
        # passage by continuing the story or copying the answer back.
        problem = _clip(restore(concern.problem), 240)
        if tally.prose(guard.comment_ok(problem)):
            findings.append(Finding(check="llm", severity="warning", message=problem, span=span))
    return findings


def advice_of(items: list[str], usable: Callable[[str], bool], restore, tally: Tally) -> list[str]:
    kept: list[str] = []
    for item in items:
        text = " ".join(restore(item).split())
        if tally.prose(usable(text) and text not in kept):
            kept.append(text)
    return kept


def dropped_findings(dropped: list[str]) -> list[Finding]:
    if not dropped:
        return []
    example = _clip(" ".join(dropped[0].split()), 80)
    return [
        Finding(
            check="evidence",
            severity="info",
            message=f"Dropped {len(dropped)} quote(s) from the model that are not in the answer or say nothing "
            f'(e.g. "{example}").',
        )
    ]


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
