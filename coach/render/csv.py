"""CSV: a row per answer for a spreadsheet (source, score, STAR, flags, words, top suggestion).

Rows are written as results arrive. A cell that a spreadsheet would run as a formula
(starting with = + - @) is prefixed with a quote: answers and sources are untrusted text.
"""

from __future__ import annotations

import csv
from typing import TextIO

from coach.models import STAR_PARTS, Critique, InputError, Result

HEADER = ["source", "score", *STAR_PARTS, "flags", "words", "top_suggestion", "engine", "cached", "error"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def flags(critique: Critique) -> list[str]:
    """Short labels for what went wrong, most telling first."""
    found = []
    if critique.checks.negativity.flagged:
        found.append("negative")
    if critique.checks.rambling.flagged:
        found.append("rambling")
    if not critique.checks.specificity.quantified:
        found.append("no numbers")
    for finding in critique.findings:
        if finding.severity == "problem" and finding.check not in ("star", "negativity", "rambling") and finding.check not in found:
            found.append(finding.check)
    if critique.fallback_reason:
        found.append("fallback")
    return found


def row(result: Result) -> list[str]:
    if isinstance(result, InputError):
        cells = [result.source, "", "", "", "", "", "", "", "", "", "", result.error]
    else:
        star = ["yes" if part.present else "no" for _, part in result.star.parts()]
        cells = [
            result.source,
            str(result.score),
            *star,
            "; ".join(flags(result)),
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
