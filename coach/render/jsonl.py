"""JSON Lines: one critique (or error entry) per line, written as each result arrives,
so a killed run keeps every line it finished. Each object is the JSON contract of render.json."""

from __future__ import annotations

from typing import TextIO

from coach.models import Result


def line(result: Result) -> str:
    # pydantic's own serialiser writes the same compact UTF-8 JSON as json.dumps over
    # model_dump, without building the dict first (~3x faster, on a batch's main thread).
    return result.model_dump_json()


class Writer:
    def __init__(self, out: TextIO):
        self.out = out

    def add(self, answer_text: str | None, result: Result) -> None:
        self.out.write(line(result) + "\n")
        self.out.flush()

    def finish(self, summary) -> None:
        pass
