"""The one data model: every engine produces it, every renderer reads it.

The JSON form of `Critique` is a versioned contract (docs/json-schema.md): fields may be
added; renaming or removing one bumps SCHEMA_VERSION.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1

Severity = Literal["info", "warning", "problem"]
Engine = Literal["offline", "llm"]
STAR_PARTS = ("situation", "task", "action", "result")


class Answer(BaseModel):
    """One interview answer as the candidate wrote it, plus what it answers."""

    model_config = ConfigDict(frozen=True)

    text: str
    question: str | None = None
    role: str | None = None
    source: str = "-"
    # What the text is: an interview answer, a thank-you email, or questions to ask (coach/rules/kinds.py).
    kind: Literal["answer", "thank-you", "questions"] = "answer"
    # For a thank-you email: hours from the interview to now (sending it), when the date is known.
    hours_since_interview: float | None = None


class Span(BaseModel):
    """An exact stretch of the answer: `text == answer[start:end]`, always."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _consistent(self) -> Span:
        if self.end < self.start or self.end - self.start != len(self.text):
            raise ValueError("span text must be exactly answer[start:end]")
        return self

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Span:
        return cls(start=start, end=end, text=source[start:end])


class Finding(BaseModel):
    check: str
    severity: Severity
    message: str
    span: Span | None = None
    suggestion: str | None = None


class StarPart(BaseModel):
    present: bool = False
    evidence: list[Span] = Field(default_factory=list)
    # 1-5 on the anchored scale of docs/rubric.md; filled by both engines.
    rating: int | None = Field(default=None, ge=1, le=5)
    # False when an engine claimed the part but none of its evidence could be verified.
    verified: bool = True
    # Why the first piece of evidence shows the part, in plain words (the offline engine's
    # strongest cues, "labelled as such", …); None when absent or not said.
    why: str | None = None


class Star(BaseModel):
    situation: StarPart = Field(default_factory=StarPart)
    task: StarPart = Field(default_factory=StarPart)
    action: StarPart = Field(default_factory=StarPart)
    result: StarPart = Field(default_factory=StarPart)

    def parts(self) -> list[tuple[str, StarPart]]:
        return [(name, getattr(self, name)) for name in STAR_PARTS]


class RamblingCheck(BaseModel):
    flagged: bool = False
    reasons: list[str] = Field(default_factory=list)
    # Every filler word, so reports can highlight them and counts can be checked.
    fillers: list[Span] = Field(default_factory=list)


class NegativityCheck(BaseModel):
    flagged: bool = False
    sentences: int = 0


class SpecificityCheck(BaseModel):
    quantified: bool = False
    numbers: int = 0
    vague_claims: int = 0
    i_statements: int = 0
    we_statements: int = 0


class Checks(BaseModel):
    rambling: RamblingCheck = Field(default_factory=RamblingCheck)
    negativity: NegativityCheck = Field(default_factory=NegativityCheck)
    specificity: SpecificityCheck = Field(default_factory=SpecificityCheck)


class Metrics(BaseModel):
    words: int = 0
    sentences: int = 0
    speaking_seconds: float = 0.0
    filler_words: int = 0
    filler_density: float = 0.0
    long_sentences: int = 0
    repeated_phrases: int = 0


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    requests: int = 0


class Critique(BaseModel):
    schema_version: int = SCHEMA_VERSION
    source: str = "-"
    question: str | None = None
    role: str | None = None
    kind: Literal["answer", "thank-you", "questions"] = "answer"
    engine: Engine = "offline"
    model: str | None = None
    fallback_reason: str | None = None
    score: int = Field(ge=0, le=100)
    ratings: dict[str, int] = Field(default_factory=dict)
    star: Star = Field(default_factory=Star)
    checks: Checks = Field(default_factory=Checks)
    metrics: Metrics = Field(default_factory=Metrics)
    findings: list[Finding] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    rewrite: str | None = None
    # The rewrite holds [placeholders] for facts the candidate never gave: a template to fill in.
    rewrite_is_template: bool = False
    usage: Usage | None = None
    cached: bool = False


class InputError(BaseModel):
    """An input that could not be graded; batches report it and go on.

    `error` is a whole line for stderr, so it starts with the source; `reason` is what is
    left after it, for reports that show the source already."""

    source: str
    error: str

    @property
    def reason(self) -> str:
        prefix = f"{self.source}: "
        return self.error[len(prefix) :] if self.error.startswith(prefix) else self.error


Result = Critique | InputError
