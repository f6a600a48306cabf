"""The HTML report as markup: self-contained, escaped, with the evidence highlighted."""

from __future__ import annotations

import re

from coach.batch.summary import SummaryBuilder
from coach.models import Answer, Checks, Critique, Finding, InputError, RamblingCheck, Span, Star, StarPart
from coach.render import html
from coach.render.highlights import highlights, segments
from coach.rules import offline
from tests.conftest import EXAMPLES

RAMBLING = (EXAMPLES / "rambling.txt").read_text(encoding="utf-8").strip()
TEXT = "Last year our app crashed daily. I rewrote the cache layer, um, in two weeks. Crashes fell by 90%."


def _critique() -> Critique:
    def part(start, end):
        return StarPart(present=True, evidence=[Span.of(TEXT, start, end)])

    s_end = TEXT.index(".") + 1
    a_start = TEXT.index("I rewrote")
    r_start = TEXT.index("Crashes")
    return Critique(
        source="crash.txt",
        score=72,
        star=Star(situation=part(0, s_end), action=part(a_start, r_start - 1), result=part(r_start, len(TEXT))),
        findings=[Finding(check="negativity", severity="problem", message="blames", span=Span.of(TEXT, 0, 8))],
        checks=Checks(rambling=RamblingCheck(fillers=[Span.of(TEXT, TEXT.index("um"), TEXT.index("um") + 2)])),
    )


def _page(entries) -> str:
    builder = SummaryBuilder()
    for text, result in entries:
        builder.add(text, result)
    return html.render(entries, builder.build())


def test_highlights_come_from_the_critique_evidence_and_its_filler_spans():
    marks = highlights(TEXT, _critique())
    kinds = {(TEXT[m.start : m.end], m.kind) for m in marks}
    assert ("Crashes fell by 90%.", "result") in kinds
    assert ("Last year our app crashed daily.", "situation") in kinds
    assert ("um", "filler") in kinds
    assert ("Last yea", "negativity") in kinds


def test_a_span_that_does_not_match_the_text_is_not_drawn():
    critique = _critique()
    stale = critique.model_copy(update={"findings": [Finding(check="x", severity="info", message="m", span=Span(start=0, end=4, text="Nope"))]})
    assert not [m for m in highlights(TEXT, stale) if m.kind == "finding"]


def test_segments_cover_the_text_exactly_once():
    marks = highlights(TEXT, _critique())
    pieces = segments(TEXT, marks)
    assert "".join(piece for piece, _ in pieces) == TEXT
    um = next(cover for piece, cover in pieces if piece == "um")
    assert [h.kind for h in um] == ["action", "filler"]  # the filler inside the Action quote


def test_page_has_table_chart_and_cards_with_marked_evidence():
    page = _page([(TEXT, _critique()), (None, InputError(source="gone.txt", error="gone.txt: no such file"))])
    assert page.count("<tr data-order=") == 1 and page.count('<tr class="failed"') == 1
    assert re.search(r'<rect class="bar" data-band="70-79" data-count="1"', page)
    assert '<mark class="hl hl-result"' in page and '<mark class="hl hl-action hl-filler"' in page
    assert '<mark class="hl hl-situation hl-negativity"' in page
    assert 'id="card-2"' in page and "gone.txt: no such file" in page


def test_page_is_self_contained():
    page = _page([(RAMBLING, offline.critique(Answer(text=RAMBLING, source="r.txt")))])
    assert "default-src 'none'" in page
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", page)
    assert not re.search(r"@import|url\(", page)


def test_candidate_text_cannot_inject_markup():
    text = 'I fixed the <img src=x onerror=alert(1)> form "quickly" & cut errors by 50% in a week.'
    page = _page([(text, offline.critique(Answer(text=text, source="<b>evil</b>.txt")))])
    assert "<img src=x" not in page and "<b>evil" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;b&gt;evil&lt;/b&gt;.txt" in page
