"""One line per finding, for editors, grep and CI: `path:line:col: severity check: message`.

`github` is the same findings as GitHub Actions workflow commands (`::warning file=…::…`), so a
workflow that runs coach on a repository of prepared answers annotates them in the diff.
Lines and columns count in the file when the answer is a file coach can find it in (after its
front matter); else in the answer itself. A finding with no span points at the answer's start.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TextIO

from coach.models import Critique, InputError, Result

_GITHUB_LEVEL = {"problem": "error", "warning": "warning", "info": "notice"}


def positions(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


@lru_cache(maxsize=64)
def _file_text(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _locate(source: str, answer_text: str | None) -> tuple[str, str, int]:
    """(path to show, text the offsets count in, where the answer starts in it)."""
    path = source.split("#", 1)[0]
    whole = _file_text(path) if answer_text and path != "-" else None
    start = whole.find(answer_text) if whole and answer_text else -1
    if whole is not None and start >= 0:
        return path, whole, start
    return source, answer_text or "", 0


def lines(answer_text: str | None, result: Result) -> list[tuple[str, int, int, str, str, str]]:
    """(path, line, column, severity, check, message) of each finding."""
    if isinstance(result, InputError):
        return [(result.source, 1, 1, "problem", "input", result.reason)]
    c: Critique = result
    path, text, base = _locate(c.source, answer_text)
    found = []
    for f in c.findings:
        line, col = positions(text, base + (f.span.start if f.span else 0))
        found.append((path, line, col, f.severity, f.check, " ".join(f.message.split())))
    return found


class Writer:
    def __init__(self, out: TextIO, github: bool = False):
        self.out, self.github = out, github

    def add(self, answer_text: str | None, result: Result) -> None:
        for path, line, col, severity, check, message in lines(answer_text, result):
            if self.github:
                self.out.write(f"::{_GITHUB_LEVEL[severity]} file={path},line={line},col={col},title=coach {check}::{message}\n")
            else:
                self.out.write(f"{path}:{line}:{col}: {severity} {check}: {message}\n")
        self.out.flush()

    def finish(self, summary) -> None:
        pass


class GithubWriter(Writer):
    def __init__(self, out: TextIO):
        super().__init__(out, github=True)
