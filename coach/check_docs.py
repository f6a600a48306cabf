"""The checks' documentation (coach/data/checks.yaml): what, why, an example, the fix."""

from __future__ import annotations

from functools import cache
from importlib import resources

from coach.yaml_text import parse_yaml


@cache
def docs() -> dict[str, dict[str, str]]:

    data = parse_yaml(resources.files("coach.data").joinpath("checks.yaml").read_text(encoding="utf-8"))
    return {str(check_id): {key: str(value) for key, value in doc.items()} for check_id, doc in data.items()}
