"""Evidence verification: a model's quote counts only if it is the candidate's own words.

A quote is looked up in the answer after normalising both sides the same way — runs of
whitespace become one space, case is folded, curly quotes/dashes/ellipses become their
plain forms — and the hit is mapped back to offsets in the original answer, so every
`Span` keeps `text == answer[start:end]`. Anything that cannot be found is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.llm.guard import has_content
from coach.models import Span

# A quote shorter than this (in words) proves nothing: "I" or "the team" is in most answers;
# nor does one without a content word ("you know", "and so on"): see guard.has_content.
MIN_QUOTE_WORDS = 2
_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
                       "–": "-", "—": "-", "‑": "-", "−": "-", "\u00a0": " "})
_EDGE_JUNK = " \t\r\n\"'`.,;:!?()[]{}-…*_"
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\(\.\.\.\))\s*")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class _Normalised:
    text: str
    # origin[i] is the offset in the original text of normalised character i.
    origin: list[int]


def _normalise(text: str) -> _Normalised:
    chars: list[str] = []
    origin: list[int] = []
    previous_space = True  # also strips leading whitespace
    for index, char in enumerate(text):
        if char.isspace() or char == "\u00a0":
            if not previous_space:
                chars.append(" ")
                origin.append(index)
            previous_space = True
            continue
        previous_space = False
        folded = char.translate(_FOLD)
        folded = "..." if folded == "…" else folded.casefold()
        for piece in folded:
            chars.append(piece)
            origin.append(index)
    return _Normalised("".join(chars), origin)


def _clean_quote(quote: str) -> str:
    # Models wrap quotes in quotation marks, add a final period, or escape our delimiters.
    quote = quote.replace("&lt;", "<").strip(_EDGE_JUNK)
    return " ".join(quote.split())


class AnswerIndex:
    """One answer, normalised once, that quotes are looked up in."""

    def __init__(self, answer: str):
        self.answer = answer
        self._norm = _normalise(answer)

    def locate(self, quote: str, *, min_words: int = MIN_QUOTE_WORDS) -> Span | None:
        """The span of the answer that `quote` copies, or None if it is not verbatim."""
        quote = _clean_quote(quote)
        if len(_WORD.findall(quote)) < min_words or not has_content(quote):
            return None
        found = self._find(quote)
        if found is None:
            found = self._find_elided(quote)
        if found is None:
            return None
        start, end = self._snap_to_words(*found)
        return Span.of(self.answer, start, end)

    def _find(self, quote: str, after: int = 0) -> tuple[int, int] | None:
        needle = _normalise(quote).text
        if not needle:
            return None
        at = self._norm.text.find(needle, after)
        if at < 0:
            return None
        last = at + len(needle) - 1
        return at, last  # normalised offsets, inclusive end

    def _find_elided(self, quote: str) -> tuple[int, int] | None:
        # "I split the backlog ... we shipped early": every piece in order, each verbatim.
        pieces = [p.strip(_EDGE_JUNK) for p in _ELLIPSIS.split(quote)]
        pieces = [p for p in pieces if p]
        if len(pieces) < 2:
            return None
        first = self._find(pieces[0])
        if first is None:
            return None
        last = first
        for piece in pieces[1:]:
            last = self._find(piece, after=last[1] + 1)
            if last is None:
                return None
        return first[0], last[1]

    def _snap_to_words(self, norm_start: int, norm_last: int) -> tuple[int, int]:
        """Original offsets, widened so a span never starts or ends inside a word."""
        start = self._norm.origin[norm_start]
        end = self._norm.origin[norm_last] + 1
        text = self.answer
        while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
        return start, end


def verify_quotes(index: AnswerIndex, quotes: list[str]) -> tuple[list[Span], list[str]]:
    """The quotes found in the answer as spans (deduplicated), and the ones dropped."""
    spans: list[Span] = []
    dropped: list[str] = []
    for quote in quotes:
        span = index.locate(quote)
        if span is None:
            dropped.append(quote)
        elif span not in spans:
            spans.append(span)
    return spans, dropped
