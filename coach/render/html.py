"""HTML: one self-contained page (no external assets, a CSP that forbids fetching any):
a sortable summary table, the score distribution as inline SVG, and a card per answer with
its text and the evidence highlighted (STAR parts, fillers, negative sentences, findings).

Candidate text is untrusted: Jinja2 autoescaping is on for every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from coach.models import Critique, InputError, Result
from coach.render.highlights import highlights, segments
from coach.render.verdict import band, labels, verdict

TEMPLATE = "report.html.j2"


@dataclass
class Card:
    number: int
    result: Result
    pieces: list[tuple[str, str, str]]  # (text, css classes, tooltip)
    labels: list[str]
    verdict: str
    tone: str  # the score band's: good | fair | weak

    @property
    def failed(self) -> bool:
        return isinstance(self.result, InputError)


def card(number: int, text: str | None, result: Result) -> Card:
    if isinstance(result, InputError):
        return Card(number, result, [(text or "", "", "")], [], "", "")
    return Card(number, result, _pieces(text or "", result), labels(result), verdict(result), band(result.score).tone)


def _pieces(text: str, critique: Critique) -> list[tuple[str, str, str]]:
    out = []
    for piece, covering in segments(text, highlights(text, critique)):
        classes = " ".join(["hl", *dict.fromkeys(f"hl-{h.kind}" for h in covering)]) if covering else ""
        out.append((piece, classes, "; ".join(dict.fromkeys(h.note for h in covering))))
    return out


def chart(distribution: list[tuple[str, int]]) -> dict:
    """Bar geometry for the inline SVG score chart."""
    width, height, top, bottom = 640, 220, 20, 40
    most = max((n for _, n in distribution), default=0) or 1
    slot = width / max(len(distribution), 1)
    bars = []
    for i, (label, count) in enumerate(distribution):
        h = (height - top - bottom) * count / most
        bars.append({"x": round(i * slot + 6, 1), "y": round(height - bottom - h, 1), "w": round(slot - 12, 1),
                     "h": round(h, 1), "band": label, "count": count, "cx": round(i * slot + slot / 2, 1)})
    return {"width": width, "height": height, "base": height - bottom, "bars": bars}


def template(name: str):
    """A page template of coach/render/templates, with every value autoescaped."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coach.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(name)


def render(entries: list[tuple[str | None, Result]], summary) -> str:
    cards = [card(i, text, result) for i, (text, result) in enumerate(entries, start=1)]
    return template(TEMPLATE).render(summary=summary, cards=cards, chart=chart(summary.distribution))


class Writer:
    """The page needs the summary at the top, so entries are kept until the batch ends."""

    def __init__(self, out: TextIO):
        self.out = out
        self.entries: list[tuple[str | None, Result]] = []

    def add(self, answer_text: str | None, result: Result) -> None:
        self.entries.append((answer_text, result))

    def finish(self, summary) -> None:
        self.out.write(render(self.entries, summary))
        self.out.flush()
