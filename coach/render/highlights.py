"""Which stretches of an answer a report highlights, and why (pure: text + Critique in).

Everything comes from the critique's own evidence: STAR quotes, findings' spans and the
rambling check's filler spans (computed in code whichever engine graded).
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.models import Critique, Span

# Drawn in this order, so a later kind wins where two overlap (a filler inside a STAR quote).
KINDS = ("situation", "task", "action", "result", "negativity", "finding", "filler")


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    kind: str
    note: str


def highlights(text: str, critique: Critique) -> list[Highlight]:
    """Evidence spans that really are in `text` (a stale or foreign span is dropped)."""
    found: list[tuple[Span, str, str]] = []
    for name, part in critique.star.parts():
        found += [(span, name, name.capitalize()) for span in part.evidence]
    for finding in critique.findings:
        if finding.span is not None and finding.check != "star":
            kind = "negativity" if finding.check == "negativity" else "finding"
            found.append((finding.span, kind, f"{finding.check}: {finding.message}"))
    found += [(span, "filler", "filler word") for span in critique.checks.rambling.fillers]
    return [Highlight(s.start, s.end, kind, note) for s, kind, note in found if s.end > s.start and text[s.start : s.end] == s.text]


def segments(text: str, marks: list[Highlight]) -> list[tuple[str, list[Highlight]]]:
    """The text cut at every highlight boundary: (piece, highlights covering it)."""
    cuts = sorted({0, len(text), *(h.start for h in marks), *(h.end for h in marks)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [h for h in marks if h.start <= start and end <= h.end]
        covering.sort(key=lambda h: KINDS.index(h.kind))
        pieces.append((text[start:end], covering))
    return pieces
