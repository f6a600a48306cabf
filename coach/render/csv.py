"""CSV: a row per answer for a spreadsheet (source, score, STAR, flags, words, top suggestion).

Rows are written as results arrive. A cell that a spreadsheet would run as a formula
(starting with = + - @) is prefixed with a quote: answers and sources are untrusted text.
"""

from __future__ import annotations

import csv
from typing import TextIO

from coach.models import STAR_PARTS, InputError, Result
from coach.render.verdict import labels

HEADER = ["source", "score", *STAR_PARTS, "flags", "words", "top_suggestion", "engine", "cached", "error"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def row(result: Result) -> list[str]:
    if isinstance(result, InputError):
        cells = [result.source, "", "", "", "", "", "", "", "", "", "", result.error]
    else:
        star = ["yes" if part.present else "no" for _, part in result.star.parts()]
        cells = [
            result.source,
            str(result.score),
            *star,
            "; ".join(labels(result)),
            str(result.metrics.words),
            result.suggestions[0] if result.suggestions else "",
            result.engine,
            "yes" if result.cached else "no",
            "",
        ]
    return [_safe(cell) for cell in cells]


def _safe(cell: str) -> str:
    # A lone "-" (stdin's source) is no formula: quoting it would print "'-".
    return "'" + cell if cell.startswith(_FORMULA_START) and cell != "-" else cell


def render(results: list[Result]) -> str:
    import io

    buffer = io.StringIO()
    writer = Writer(buffer)
    for result in results:
        writer.add(None, result)
    return buffer.getvalue()


class Writer:
    def __init__(self, out: TextIO):
        self.out = out
        self.csv = csv.writer(out, lineterminator="\n")
        self.csv.writerow(HEADER)

    def add(self, answer_text: str | None, result: Result) -> None:
        self.csv.writerow(row(result))
        self.out.flush()

    def finish(self, summary) -> None:
        pass
