"""The settings of the OpenAI-compatible endpoint a run talks to: where, with which key and
model, and how patiently. Built once per run (coach.engine) and read by the synchronous client
(coach.llm.client) and by the request body (coach.llm.completions)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    base_url: str | None
    api_key: str
    model: str
    timeout: float
    max_retries: int
    temperature: float
    max_tokens: int | None = None
    max_in_flight: int | None = None  # requests at once, however many threads grade
