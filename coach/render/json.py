"""JSON: the versioned contract (docs/json-schema.md). One object for one input, else a list."""

from __future__ import annotations

import json

from coach.models import Result


def to_dict(result: Result) -> dict:
    return result.model_dump(mode="json")


def render(results: list[Result], *, single: bool) -> str:
    payload = to_dict(results[0]) if single and len(results) == 1 else [to_dict(r) for r in results]
    return json.dumps(payload, indent=2, ensure_ascii=False)
