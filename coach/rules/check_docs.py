"""The checks' documentation (coach/data/checks.yaml): what, why, an example, the fix; and, for
the checks of an interview answer, the rubric criteria each rates."""

from __future__ import annotations

from functools import cache
from importlib import resources

from coach.yaml_text import parse_yaml

DOC_FIELDS = ("what", "why", "example", "fix")


@cache
def _entries() -> dict[str, dict]:
    return parse_yaml(resources.files("coach.data").joinpath("checks.yaml").read_text(encoding="utf-8"))


@cache
def docs() -> dict[str, dict[str, str]]:
    return {str(check_id): {key: str(entry[key]) for key in DOC_FIELDS if key in entry} for check_id, entry in _entries().items()}


@cache
def criteria_rated() -> dict[str, tuple[str, ...]]:
    """Each answer check's id -> the rubric criteria it rates (its `rates` list)."""
    return {str(check_id): tuple(entry["rates"]) for check_id, entry in _entries().items() if "rates" in entry}


def answer_check_ids() -> tuple[str, ...]:
    """The checks an interview answer goes through: what --select/--ignore may name."""
    return tuple(criteria_rated())


@cache
def capping(cap: str) -> frozenset[str]:
    """The checks whose `problem` findings call for this score cap (their `caps`: no-answer,
    injection; docs/rubric.md)."""
    return frozenset(str(check_id) for check_id, entry in _entries().items() if entry.get("caps") == cap)
