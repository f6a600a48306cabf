"""Text analysis shared by the checks: sentences and words, each with character offsets.

Everything here is pure and offset-preserving, so any finding can point back at the
exact span of the candidate's own words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import wraps
from typing import NamedTuple

from coach.models import Span
from coach.rules.thresholds import DEFAULT_LIMITS, Limits

WORD_RE = re.compile(r"[A-Za-z0-9À-ÿ]+(?:['’][A-Za-z]+)*(?:[.,][0-9]+)*%?")
# A sentence ends at . ! ? (or an ellipsis) followed by space, or at a line break.
_SENTENCE_END_RE = re.compile(r"(?:[.!?…]+[\"'”’)\]]*)(?=\s|$)|\n\s*\n|\n(?=\s*[-*•]|\s*\d+[.)])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e inc ltd co corp approx dept a.m p.m".split()
)
_LONGEST_ABBREVIATION = 8
# Past-tense verbs that do not end in -ed: what makes "I rewrote the rota" a past action.
IRREGULAR_PAST = frozenset(
    """began bought brought broke built came caught chose cut dealt did drew drove dug fed fought
found gave got grew held hid hit kept knew laid led left lent let made meant met overcame oversaw
paid put quit ran rang read rebuilt redid rewrote rode rose said sat saw sent set shook shot shut
sold sought spent split spoke spun stood struck stuck swam swept taught thought threw told took
understood undertook went won wound wrote""".split()
)
_PAST_AUXILIARIES = frozenset(("was", "were", "had"))


class _computed_once:
    """functools.cached_property without its lock (Python 3.11 takes an RLock on every first
    access, a cost paid for each property of each sentence): computed on first access, then
    read from the instance's __dict__, which this non-data descriptor leaves in front. Two
    threads racing on a first access both compute the same pure value, which is harmless."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


class Token(NamedTuple):
    # A tuple, not a frozen dataclass: an answer has hundreds of tokens and a frozen
    # dataclass's __init__ costs three object.__setattr__ calls each.
    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    tokens: list[Token] = field(default_factory=list)

    @_computed_once
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")

    @_computed_once
    def lower_for_phrases(self) -> str | None:
        """lowered(self.lower), for Phrases matched against `lower` (the same string, but for
        the rare sentence that keeps Phrases on IGNORECASE)."""
        return lowered(self.lower)

    @_computed_once
    def words(self) -> list[str]:
        """Each token's `lower`, lowered in one call: a token holds no space, and each of its
        characters (ASCII, Latin-1 letters, ' ’ . , %) lowers to one character by itself."""
        if not self.tokens:
            return []
        return " ".join([token.text for token in self.tokens]).lower().replace("’", "'").split(" ")


_new_tuple = tuple.__new__


def per_document(function):
    """Decorates a function of a Document: computed once per document (kept in its memo) and
    shared by every check that asks, so one check can read another's result without a second
    pass. The function itself is the key."""

    @wraps(function)
    def once(document: Document):
        memo = document.memo
        if function not in memo:
            memo[function] = function(document)
        return memo[function]

    return once


class Document:
    """An answer analysed once; every check reads the same sentences and tokens."""

    def __init__(self, text: str, question: str | None = None, limits: Limits = DEFAULT_LIMITS):
        self.text = text
        self.question = question
        self.limits = limits  # the user's speaking pace and length limits (coach/rules/thresholds.py)
        # tuple.__new__ directly: Token(...) runs the named tuple's Python-level __new__.
        self.tokens = [_new_tuple(Token, (*m.span(), m.group())) for m in WORD_RE.finditer(text)]
        self.sentences = _split_sentences(text, self.tokens)
        # Results several checks share (the sentence models' scores), computed once.
        self.memo: dict[object, object] = {}

    @property
    def word_count(self) -> int:
        return len(self.tokens)

    @_computed_once
    def straight(self) -> str:
        """The text with curly apostrophes made straight (one character for one, so offsets
        hold): what the phrase checks match against, made once for all of them."""
        return self.text.replace("’", "'")

    @_computed_once
    def straight_lower(self) -> str | None:
        """lowered(self.straight): for Phrases matched against the straightened text."""
        return lowered(self.straight)

    @_computed_once
    def text_lower(self) -> str | None:
        """lowered(self.text): for Phrases matched against the text as written."""
        return lowered(self.text)

    def span(self, start: int, end: int) -> Span:
        # Validated: pydantic's compiled validator is faster than model_construct (1.4 against 2.2 µs).
        return Span.of(self.text, start, end)

    def sentence_span(self, sentence: Sentence) -> Span:
        return self.span(sentence.start, sentence.end)


def _split_sentences(text: str, tokens: list[Token]) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        if _is_abbreviation(text, match.start()):
            continue
        _append_sentence(sentences, text, start, match.end())
        start = match.end()
    _append_sentence(sentences, text, start, len(text))
    _attach_tokens(sentences, tokens)
    return sentences


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    # Only the word before the dot matters; searching all of text[:dot] was quadratic.
    before = _WORD_BEFORE_DOT.search(text[max(0, dot - _LONGEST_ABBREVIATION) : dot])
    return bool(before) and before.group(1).lower() in _ABBREVIATIONS


_WORD_BEFORE_DOT = re.compile(r"([A-Za-z.]+)$")
_ANY_WORD_CHARACTER = re.compile(r"\w")


def _append_sentence(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped_start = start + (len(chunk) - len(chunk.lstrip()))
    stripped_end = start + len(chunk.rstrip())
    if stripped_end > stripped_start and _ANY_WORD_CHARACTER.search(text, stripped_start, stripped_end):
        sentences.append(Sentence(stripped_start, stripped_end, text[stripped_start:stripped_end]))


def _attach_tokens(sentences: list[Sentence], tokens: list[Token]) -> None:
    """Each sentence's tokens: from the first starting in it, while they end inside it.
    Tokens do not overlap, so their starts and ends both ascend and can be bisected."""
    starts = [token.start for token in tokens]
    ends = [token.end for token in tokens]
    index = 0
    for sentence in sentences:
        first = bisect_left(starts, sentence.start, index)
        index = bisect_right(ends, sentence.end, first)
        sentence.tokens = tokens[first:index]


_WORD_CHARS = re.compile(r"[\w']+")


def word_before(text: str, start: int, reach: int) -> str:
    """The lower-case word ending just before `start` (within `reach` characters), or ""."""
    found = _WORD_CHARS.findall(text[max(0, start - reach) : start].lower())
    return found[-1] if found else ""


def word_after(text: str, end: int, reach: int) -> str:
    """The lower-case word starting just after `end` (within `reach` characters), or ""."""
    found = _WORD_CHARS.search(text[end : end + reach].lower())
    return found.group() if found else ""


def is_past(word: str) -> bool:
    """A past-tense verb, by its form: irregular, an auxiliary, or a word of five letters or
    more ending in -ed ("shed" and "need" are not)."""
    return word in IRREGULAR_PAST or word in _PAST_AUXILIARIES or (len(word) > 4 and word.endswith("ed"))


def compile_phrases(phrases: list[str] | tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any phrase on word boundaries, longest first."""
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])", re.IGNORECASE)


# Characters IGNORECASE matches to an ASCII letter ("ı" to i, "ſ" to s) that str.lower() keeps.
_CASE_ODDITIES = ("ı", "ſ")


def lowered(text: str) -> str | None:
    """text.lower(), when a case-sensitive regex of lower-case ASCII phrases finds in it just
    what its IGNORECASE twin finds in `text`, at the same offsets: lowering kept every
    character one character (so offsets hold) and left none that IGNORECASE folds on its own.
    None otherwise (rare: "İ" lowers to two characters)."""
    lower = text.lower()
    if len(lower) != len(text) or any(c in lower for c in _CASE_ODDITIES):
        return None
    return lower


def _by_first_character(phrases) -> str:
    """compile_phrases' pattern with its alternatives grouped by first character
    ("a(?:wful|rrogant)|l(?:azy|iar)"): re then tries one group where a word starts, not every
    phrase. Within a group the phrases keep their longest-first order, so the same one wins."""
    groups: dict[str, list[str]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        groups.setdefault(phrase[0], []).append(re.escape(phrase[1:]).replace(r"\ ", r"\s+"))
    body = "|".join(re.escape(first) + "(?:" + "|".join(rests) + ")" for first, rests in groups.items())
    return rf"(?<![\w'])(?:{body})(?![\w'])"


class Phrases:
    """compile_phrases() of lower-case ASCII phrases, matched case-sensitively in lowered text when
    it can be (half the time of IGNORECASE, which folds the case of every character it
    compares), else as compile_phrases' regex. Same matches, same offsets."""

    def __init__(self, phrases: list[str] | tuple[str, ...] | frozenset[str]):
        # Only ASCII: IGNORECASE folds some other letters beyond what str.lower() does ("µ", "μ").
        if any(p != p.lower() or not p.isascii() for p in phrases):
            raise ValueError("Phrases are written in lower-case ASCII")
        self.phrases = tuple(phrases)
        self._exact = re.compile(_by_first_character(self.phrases))

    @_computed_once
    def pattern(self) -> re.Pattern[str]:
        """compile_phrases' own regex: compiled only when a text needs it (rarely), which
        keeps it off every start-up."""
        return compile_phrases(self.phrases)

    def finditer(self, text: str, lower: str | None) -> Iterator[re.Match[str]]:
        """Matches in `text`, `lower` being lowered(text) (the match objects are of `lower`
        when it is given: take text[m.start():m.end()] for the candidate's own case)."""
        return self._exact.finditer(lower) if lower is not None else self.pattern.finditer(text)
