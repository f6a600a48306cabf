"""One writer per output format, fed results one at a time as a batch produces them.

jsonl, csv and text write each result as it arrives; json, markdown and html need the
whole batch (a JSON list, a summary at the top) and write when it ends.
"""

from __future__ import annotations

from importlib import import_module
from typing import TextIO

from coach.models import Result

FORMATS = ("text", "json", "jsonl", "csv", "markdown", "html", "line", "github")
# -o FILE picks the format from the file's extension.
EXTENSIONS = {
    ".txt": "text", ".json": "json", ".jsonl": "jsonl", ".csv": "csv",
    ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
}


def format_for(path: str) -> str | None:
    from pathlib import Path

    return EXTENSIONS.get(Path(path).suffix.lower())


def open_writer(output_format: str, out: TextIO, *, color: bool = False, single: bool = False):
    if output_format == "text":
        return _TextWriter(out, color)
    if output_format == "json":
        return _JsonWriter(out, single)
    if output_format in ("line", "github"):
        from coach.render import line

        return line.GithubWriter(out) if output_format == "github" else line.Writer(out)
    return import_module(f"coach.render.{output_format}").Writer(out)


class _TextWriter:
    def __init__(self, out: TextIO, color: bool):
        self.out, self.color, self.first = out, color, True

    def add(self, answer_text: str | None, result: Result) -> None:
        from coach.render import text

        self.out.write(("" if self.first else "\n") + text.render([result], color=self.color))
        self.out.flush()
        self.first = False

    def finish(self, summary) -> None:
        pass


class _JsonWriter:
    def __init__(self, out: TextIO, single: bool):
        self.out, self.single, self.results = out, single, []

    def add(self, answer_text: str | None, result: Result) -> None:
        self.results.append(result)

    def finish(self, summary) -> None:
        from coach.render import json

        self.out.write(json.render(self.results, single=self.single) + "\n")
        self.out.flush()
