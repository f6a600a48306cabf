"""JSON Lines: one critique (or error entry) per line, written as each result arrives,
so a killed run keeps every line it finished. Each object is the JSON contract of render.json."""

from __future__ import annotations

import json
from typing import TextIO

from coach.models import Result


def line(result: Result) -> str:
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


class Writer:
    def __init__(self, out: TextIO):
        self.out = out

    def add(self, answer_text: str | None, result: Result) -> None:
        self.out.write(line(result) + "\n")
        self.out.flush()

    def finish(self, summary) -> None:
        pass
