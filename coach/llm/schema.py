"""What the model must reply: a pydantic model sent as a strict JSON schema.

Every field is required and no extra keys are allowed, so the same model works as an
OpenAI strict `json_schema` response format and as a schema we describe in the prompt
for servers that only know JSON-object mode. The model rates and quotes; it never
writes the score (coach.rubric.score does, from these ratings).
"""

from __future__ import annotations

import json
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from coach.models import STAR_PARTS

# Bumped when the reply's shape changes; part of the cache fingerprint (issue 4).
REVIEW_SCHEMA_VERSION = 1
OTHER_CRITERIA = ("specificity", "concision", "tone")

Rating = Field(ge=1, le=5, description="1-5 on the anchored scale")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartReview(_Strict):
    quotes: list[str] = Field(description="exact words copied from the answer that show this part")
    present: bool
    rating: int = Rating


class CriterionReview(_Strict):
    reason: str = Field(description="one sentence")
    rating: int = Rating


class Concern(_Strict):
    quote: str = Field(description="exact words copied from the answer")
    problem: str


class Review(_Strict):
    situation: PartReview
    task: PartReview
    action: PartReview
    result: PartReview
    specificity: CriterionReview
    concision: CriterionReview
    tone: CriterionReview
    concerns: list[Concern]
    strengths: list[str]
    suggestions: list[str]
    rewrite: str

    def ratings(self) -> dict[str, int]:
        names = (*STAR_PARTS, *OTHER_CRITERIA)
        return {name: getattr(self, name).rating for name in names}


@cache
def strict_response_format() -> dict:
    """The strict `json_schema` response format, built once per process.

    Review is already strict (every field required, extra keys forbidden), so its pydantic
    schema is what OpenAI's strict mode asks for.
    """
    return {
        "type": "json_schema",
        "json_schema": {"name": Review.__name__, "strict": True, "schema": Review.model_json_schema()},
    }


def json_schema() -> dict:
    """The reply's JSON schema for JSON-object mode (sent in the request and the prompt).

    References are inlined and titles dropped: servers that turn a schema into a decoding
    grammar (llama.cpp) do not all follow `$ref`, and titles only repeat property names.
    """
    raw = Review.model_json_schema()
    return _with_limits(_simplify(raw, raw.get("$defs", {})))


# Array caps for JSON-object mode only. Servers that compile the schema into a grammar
# (llama.cpp) then cannot let a small model add quotes forever until the context is full. No
# maxLength: llama.cpp unrolls it into a grammar too deep to parse ("failed to parse grammar"),
# so strings are bounded by max_tokens instead. The caps stay out of the strict json_schema and
# out of validation: a longer list from a capable model is trimmed in code, not refused.
_ARRAY_LIMITS = {"quotes": 3, "concerns": 3, "strengths": 3, "suggestions": 4}


def _with_limits(node, name: str | None = None):
    if not isinstance(node, dict):
        return node
    node = dict(node)
    if node.get("type") == "integer" and "minimum" in node and "maximum" in node:
        # llama.cpp's grammar ignores minimum/maximum (a 135M model wrote "rating": 0, and the
        # re-ask doubled the time) but honours enum: list the allowed ratings.
        node["enum"] = list(range(node["minimum"], node["maximum"] + 1))
    elif node.get("type") == "object":
        node["properties"] = {key: _with_limits(sub, key) for key, sub in node["properties"].items()}
    elif node.get("type") == "array":
        if name in _ARRAY_LIMITS:
            node["maxItems"] = _ARRAY_LIMITS[name]
        node["items"] = _with_limits(node["items"], name)
    return node


def compact_json_schema() -> str:
    return json.dumps(json_schema(), separators=(",", ":"))


def reply_shape() -> str:
    """The schema as a compact shape for the prompt in JSON-object mode, e.g.
    `{"tone":{"reason":string,"rating":1-5},"strengths":[string,...],...}`: a fifth of the
    schema's length, and easier for a small model to follow."""
    return _shape(json_schema())


def _shape(node: dict) -> str:
    kind = node.get("type")
    if kind == "object":
        fields = ",".join(f'"{name}":{_shape(sub)}' for name, sub in node["properties"].items())
        return "{" + fields + "}"
    if kind == "array":
        return "[" + _shape(node["items"]) + ",...]"
    if kind == "integer" and "minimum" in node and "maximum" in node:
        return f"{node['minimum']}-{node['maximum']}"
    return {"boolean": "true|false"}.get(kind, kind or "value")


def _simplify(node, defs: dict):
    if isinstance(node, dict):
        if "$ref" in node:
            return _simplify(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {
            key: _simplify(value, defs)
            for key, value in node.items()
            if key != "$defs" and not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_simplify(value, defs) for value in node]
    return node
