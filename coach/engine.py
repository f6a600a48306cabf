"""Choosing and running an engine for one answer.

Offline is the default when no endpoint is configured; the LLM engine (a later issue)
plugs in here, and every fallback to offline is reported, never silent.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach import offline
from coach.models import Answer, Critique


@dataclass(frozen=True)
class GradeOptions:
    offline: bool = False


def grade(answer: Answer, options: GradeOptions) -> Critique:
    return offline.critique(answer)
