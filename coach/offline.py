"""The offline engine: deterministic and instant, from rules and small learned sentence models
(coach/learned). Text in, `Critique` out."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from coach import rubric
from coach.checks import registry
from coach.questions import asks_for_story
from coach.models import (
    Answer,
    Checks,
    Critique,
    NegativityCheck,
    RamblingCheck,
    SpecificityCheck,
)
from coach.text import Document
from coach.thresholds import DEFAULT_LIMITS, Limits

ENGINE = "offline"


def warm() -> None:
    """Load what every critique needs (the checks, the models' weights and lexicons) once, on
    the calling thread. A batch's workers otherwise all start by importing and parsing the
    same files at once, each waiting on the others' import locks: 2.3 s before a 16-job LLM
    batch's first request, against 0.6 s for `import openai` itself."""
    from coach.learned.features import clusters, valences
    from coach.learned.model import sentence_model
    from coach.learned.steering import steering_model

    registry()
    sentence_model()
    steering_model()
    valences()
    clusters()


def critique(answer: Answer, limits: Limits = DEFAULT_LIMITS) -> Critique:
    """`limits`: the user's speaking pace and length limits (the configuration's [limits])."""
    if answer.kind != "answer":
        from coach import kinds

        return kinds.critique(answer)
    document = Document(answer.text, answer.question, limits)
    outcomes = {check_id: check.run(document) for check_id, check in registry().items()}
    star, rambling = outcomes["star"], outcomes["rambling"]
    negativity, specificity = outcomes["negativity"], outcomes["specificity"]
    ratings = _ratings(outcomes)
    findings = [finding for outcome in outcomes.values() for finding in outcome.findings]
    return Critique(
        source=answer.source,
        question=answer.question,
        role=answer.role,
        engine=ENGINE,
        score=rubric.score(
            ratings,
            words=rambling.metrics.words,
            story_required=asks_for_story(answer.question),
            dodged=any(f.severity == "problem" for f in outcomes["relevance"].findings),
            negative=negativity.flagged,
            injected=outcomes["injection"].flagged,
        ),
        ratings=ratings,
        star=star.star,
        checks=Checks(
            rambling=RamblingCheck(flagged=rambling.flagged, reasons=rambling.reasons, fillers=rambling.fillers),
            negativity=NegativityCheck(flagged=negativity.flagged, sentences=negativity.sentences),
            specificity=SpecificityCheck(
                quantified=specificity.quantities > 0,
                numbers=specificity.quantities,
                vague_claims=specificity.vague_claims,
                i_statements=specificity.i_statements,
                we_statements=specificity.we_statements,
            ),
        ),
        metrics=rambling.metrics,
        findings=findings,
        strengths=_strengths(outcomes),
        suggestions=_suggestions(findings),
    )


# The modules whose code decides an offline critique.
_RULE_MODULES = ("offline", "rubric", "thresholds", "text", "topics", "questions", "models")


@cache
def rules_digest() -> str:
    """sha256 of the offline rules' source, so cached critiques expire when a rule changes."""
    package = Path(__file__).parent
    files = [package / f"{name}.py" for name in _RULE_MODULES] + sorted((package / "checks").glob("*.py"))
    # The sentence models decide too: their code, weights and word clusters.
    files += sorted((package / "learned").glob("*.py")) + sorted((package / "data").glob("*.json")) + sorted((package / "data").glob("*.tsv"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _ratings(outcomes) -> dict[str, int]:
    star = outcomes["star"]
    ratings = {name: part.rating for name, part in star.star.parts()}
    hedges = sum(1 for f in outcomes["hedging"].findings if f.check == "hedging")
    ratings["specificity"] = _specificity_rating(outcomes["specificity"], hedges)
    ratings["concision"] = _concision_rating(outcomes["rambling"])
    ratings["tone"] = _tone_rating(outcomes["negativity"])
    return ratings


def _specificity_rating(outcome, hedges: int) -> int:
    if outcome.quantities >= 2:
        rating = 5
    elif outcome.quantities == 1:
        rating = 4
    else:
        rating = 2
    # Vague claims and hedges ("around 8 percent, I think") undercut whatever numbers there are.
    return max(1, rating - min(2, (outcome.vague_claims + hedges) // 2))


def _tone_rating(outcome) -> int:
    if outcome.flagged:
        return 1
    return 4 if outcome.sentences else 5


def _concision_rating(outcome) -> int:
    if "filler-heavy" in outcome.reasons:
        return 1
    if outcome.flagged:
        return 2
    return 4 if outcome.metrics.long_sentences else 5


def _strengths(outcomes) -> list[str]:
    strengths = []
    star = outcomes["star"].star
    # A sentence that badmouths someone is never quoted as a strength.
    negative = {f.span.start for f in outcomes["negativity"].findings if f.span}
    for name, part in star.parts():
        evidence = [span for span in part.evidence if span.start not in negative]
        if evidence and part.rating >= 4:
            strengths.append(f'Clear {name}: "{_clip(evidence[0].text)}"')
    if outcomes["specificity"].quantities >= 2:
        strengths.append("Backs claims with concrete numbers.")
    if not outcomes["negativity"].flagged and star.action.present:
        strengths.append("Keeps a constructive tone about other people.")
    return strengths


def _suggestions(findings) -> list[str]:
    order = {"problem": 0, "warning": 1, "info": 2}
    ranked = sorted((f for f in findings if f.suggestion), key=lambda f: order[f.severity])
    return list(dict.fromkeys(f.suggestion for f in ranked))[:5]


def _clip(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
