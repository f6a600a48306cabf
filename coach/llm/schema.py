"""What the model must reply: a pydantic model sent as a strict JSON schema.

Every field is required and no extra keys are allowed, so the same model works as an
OpenAI strict `json_schema` response format and as a schema we describe in the prompt
for servers that only know JSON-object mode. The model rates and quotes; it never
writes the score (coach.rules.rubric.score does, from these ratings).
"""

from __future__ import annotations

import json
from functools import cache
from typing import ClassVar

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


# --- the other kinds of text (coach/rules/kinds.py): a thank-you email, the questions to ask ----------


class CriterionEvidence(_Strict):
    """One criterion of a kind, judged on the text's own words, like a STAR part: `present`
    says the text does what the criterion asks, `quotes` show where (an unverified claim is
    capped by coach.llm.kind_critic)."""

    quotes: list[str] = Field(description="exact words copied from the text that show this criterion")
    present: bool
    rating: int = Rating


class _KindReview(_Strict):
    """Each kind's reply: its judged criteria, then concerns, strengths, suggestions and an
    optional rewrite (the same fields as an answer's Review)."""

    # The criteria the model judges; the kind's others (its length, its count of questions)
    # are measured by code (coach.rules.kinds.MEASURED).
    JUDGED: ClassVar[tuple[str, ...]] = ()

    def judged(self) -> list[tuple[str, CriterionEvidence]]:
        return [(name, getattr(self, name)) for name in self.JUDGED]


class ThankYouReview(_KindReview):
    """The reply for a thank-you email (criteria: coach/data/kinds.yaml `thank-you.weights`)."""

    JUDGED: ClassVar[tuple[str, ...]] = ("gratitude", "interest", "recap", "specific_moment", "tone", "sign_off")
    gratitude: CriterionEvidence
    interest: CriterionEvidence
    recap: CriterionEvidence
    specific_moment: CriterionEvidence
    tone: CriterionEvidence
    sign_off: CriterionEvidence
    concerns: list[Concern]
    strengths: list[str]
    suggestions: list[str]
    rewrite: str = Field(description="the improved text, or an empty string")


class QuestionsReview(_KindReview):
    """The reply for the questions to ask (criteria: coach/data/kinds.yaml `questions.weights`)."""

    JUDGED: ClassVar[tuple[str, ...]] = ("open", "specific", "topics", "timing")
    open: CriterionEvidence
    specific: CriterionEvidence
    topics: CriterionEvidence
    timing: CriterionEvidence
    concerns: list[Concern]
    strengths: list[str]
    suggestions: list[str]
    rewrite: str = Field(description="the improved text, or an empty string")


KIND_REVIEWS: dict[str, type[_KindReview]] = {"thank-you": ThankYouReview, "questions": QuestionsReview}


@cache
def strict_response_format(reply: type[BaseModel] = Review) -> dict:
    """The strict `json_schema` response format of a reply model, built once per process.

    The reply models are already strict (every field required, extra keys forbidden), so
    their pydantic schema is what OpenAI's strict mode asks for.
    """
    return {
        "type": "json_schema",
        "json_schema": {"name": reply.__name__, "strict": True, "schema": reply.model_json_schema()},
    }


def json_schema(reply: type[BaseModel] = Review) -> dict:
    """The reply's JSON schema for JSON-object mode (sent in the request and the prompt).

    References are inlined and titles dropped: servers that turn a schema into a decoding
    grammar (llama.cpp) do not all follow `$ref`, and titles only repeat property names.
    """
    raw = reply.model_json_schema()
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


def compact_json_schema(reply: type[BaseModel] = Review) -> str:
    return json.dumps(json_schema(reply), separators=(",", ":"))


def reply_shape(reply: type[BaseModel] = Review) -> str:
    """The schema as a compact shape for the prompt in JSON-object mode, e.g.
    `{"tone":{"reason":string,"rating":1-5},"strengths":[string,...],...}`: a fifth of the
    schema's length, and easier for a small model to follow."""
    return _shape(json_schema(reply))


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
