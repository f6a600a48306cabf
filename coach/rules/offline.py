"""The offline engine: deterministic and instant, from rules and small learned sentence models
(coach/learned). Text in, `Critique` out."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from coach.checks import registry
from coach.models import Answer, Checks, Critique, Metrics, Star
from coach.rules import rubric
from coach.rules.text import Document
from coach.rules.thresholds import DEFAULT_LIMITS, Limits

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
        from coach.rules import kinds

        return kinds.critique(answer)
    document = Document(answer.text, answer.question, limits)
    outcomes = [check.run(document) for check in registry().values()]
    findings = [finding for outcome in outcomes for finding in outcome.findings]
    ratings: dict[str, int] = {}
    report: dict = {}
    for outcome in outcomes:
        ratings |= outcome.ratings()
        report |= outcome.report()
    critique = Critique(
        source=answer.source,
        question=answer.question,
        role=answer.role,
        engine=ENGINE,
        score=0,  # scored below, from what the critique holds, as the LLM engine and --ignore do
        ratings={name: ratings[name] for name in rubric.CRITERIA if name in ratings},
        star=report.get("star", Star()),
        checks=Checks(**{key.removeprefix("checks."): value for key, value in report.items() if key.startswith("checks.")}),
        metrics=report.get("metrics", Metrics()),
        findings=findings,
        strengths=_strengths(outcomes, document),
        suggestions=_suggestions(findings),
    )
    # A criterion no registered check rates is left out of the score, not an error.
    unrated = frozenset(rubric.CRITERIA) - set(ratings)
    return critique.model_copy(update={"score": rubric.score_of(critique, leave_out=unrated)})


# The modules besides coach/rules, the checks and the learned models whose code decides an
# offline critique.
_RULE_MODULES = ("models.py", "wording.py", "yaml_text.py", "second_round/question_bank.py")


@cache
def rules_digest() -> str:
    """sha256 of the offline rules' source and data, so cached critiques expire when a rule, a
    word list, a threshold or a model changes."""
    return digest_of(rule_files(Path(__file__).parent.parent))


def rule_files(package: Path) -> list[Path]:
    """Every file an offline critique is decided by: the rule modules, the checks, the learned
    models' code, every data file (word lists, kinds, questions, weights, clusters) and VADER's
    lexicon, which the negativity check reads."""
    files = sorted((package / "rules").glob("*.py")) + [package / name for name in _RULE_MODULES]
    files += sorted((package / "checks").glob("*.py")) + sorted((package / "learned").glob("*.py"))
    files += sorted(path for path in (package / "data").rglob("*") if path.suffix in (".json", ".tsv", ".yaml"))
    from importlib import resources

    files.append(Path(str(resources.files("vaderSentiment").joinpath("vader_lexicon.txt"))))
    return files


def digest_of(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _strengths(outcomes, document: Document) -> list[str]:
    """What the checks credit, in the rubric's order of the criteria they speak to."""
    credited = [strength for outcome in outcomes for strength in outcome.strengths(document)]
    order = {name: index for index, name in enumerate(rubric.CRITERIA)}
    return [text for _, text in sorted(credited, key=lambda item: order.get(item[0], len(order)))]


def _suggestions(findings) -> list[str]:
    order = {"problem": 0, "warning": 1, "info": 2}
    ranked = sorted((f for f in findings if f.suggestion), key=lambda f: order[f.severity])
    return list(dict.fromkeys(f.suggestion for f in ranked))[:5]
