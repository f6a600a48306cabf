"""What an offline check is: the contract coach/rules/offline.py assembles a critique from.

A check is a small module with one job: `run(document)` takes the analysed answer and returns
an `Outcome`: its findings, whether it fired, and what it owns of the critique (the rubric
criteria it rates, the strengths it credits, what it measured). It keeps no state, so the same
text always gives the same outcome; its vocabulary and limits are data
(coach/data/checks/<id>.yaml, read once by `vocabulary`). Each check also carries example
sentences it must flag and must leave alone (tests/test_check_examples.py).

A check that needs another's verdict asks for it by name through `outcome_of`, computed once
per document: the dependency is an import the reader can see, and a check left out of the
registry is still computed for the one that needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from coach.models import Finding
from coach.rules.text import Document, per_document
from coach.yaml_text import parse_yaml


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    # Whether the check fired: what its must-flag/must-pass examples are tested against.
    flagged: bool = False

    def ratings(self) -> dict[str, int]:
        """The rubric criteria this check rates (its `rates` in coach/data/checks.yaml)."""
        return {}

    def strengths(self, document: Document) -> list[tuple[str, str]]:
        """(criterion, strength): what the answer does well, by the criterion it speaks to (the
        critique lists them in the rubric's order)."""
        return []

    def report(self) -> dict[str, Any]:
        """What this outcome fills in of the Critique's JSON contract: `star`, `metrics`, or a
        section of `checks` (keyed `checks.<name>`)."""
        return {}


@dataclass(frozen=True)
class Check:
    id: str
    description: str
    run: Callable[[Document], Outcome]
    # Example answers the check must fire on, and must leave alone: a text, or (text, question)
    # for a check that judges an answer by its question.
    must_flag: tuple[str | tuple[str, str], ...]
    must_pass: tuple[str | tuple[str, str], ...]


def outcome_of(module, document: Document):
    """Another check's outcome for this document (each check's run is text.per_document: computed
    once): `outcome_of(negativity, doc)`."""
    return module.CHECK.run(document)


@cache
def vocabulary(check_id: str) -> dict:
    """A check's word lists, exceptions and limits (coach/data/checks/<id>.yaml), parsed once."""
    text = resources.files("coach.data").joinpath("checks", f"{check_id}.yaml").read_text(encoding="utf-8")
    return parse_yaml(text)


def entries(check_id: str, name: str) -> list[str]:
    """Every entry of one list of a check's data file, over its groups (each group says why
    it is there and gives an example; the check sees only the entries)."""
    return [str(entry) for group in vocabulary(check_id)[name] for entry in group["entries"]]


def limit(check_id: str, name: str) -> Any:
    """One limit of a check's data file (its `limits` section)."""
    return vocabulary(check_id)["limits"][name]


def phrase_check_run(check_id: str, severity: str, spans_of, message: str, suggestion: str):
    """The run of a phrase check: one finding quoting each stretch `spans_of(document)` finds
    (message with "{quote}"), with one fix; flagged when there is any. Written once, declared
    by each phrase check (hedging, overconfidence)."""

    @per_document
    def run(document: Document) -> Outcome:
        findings = quoted_findings(document, check_id, severity, spans_of(document), message, suggestion)
        return Outcome(findings=findings, flagged=bool(findings))

    return run


def quoted_findings(document: Document, check_id: str, severity: str, spans, message: str, suggestion: str) -> list[Finding]:
    """One finding per span of the answer, its message quoting the words ("{quote}" in
    `message`): the shape of every phrase check (a hedge, a vague claim, a boast)."""
    text = document.straight
    return [
        Finding(check=check_id, severity=severity, message=message.format(quote=text[start:end]),
                span=document.span(start, end), suggestion=suggestion)
        for start, end in spans
    ]
