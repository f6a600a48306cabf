"""The offline checks, registered in one place.

A check is a small module with one job: `run(document)` takes the analysed answer and
returns an `Outcome` (findings plus what the check measured). It reads no files and
keeps no state, so the same text always gives the same outcome. Each check also carries
example sentences it must flag and must leave alone (tests/test_check_examples.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from coach.models import Finding
from coach.text import Document


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    # Whether the check fired: what its pass/fail examples are tested against.
    flagged: bool = False


@dataclass(frozen=True)
class Check:
    id: str
    description: str
    run: Callable[[Document], Outcome]
    flags: tuple[str, ...]
    passes: tuple[str, ...]


@cache
def registry() -> dict[str, Check]:
    # Imported here so each check module stays importable on its own.
    from coach.checks import (
        hedging,
        injection,
        negativity,
        rambling,
        relevance,
        specificity,
        star,
    )

    modules = (star, rambling, negativity, specificity, hedging, injection, relevance)
    return {module.CHECK.id: module.CHECK for module in modules}
