"""Text analysis shared by the checks: sentences and words, each with character offsets.

Everything here is pure and offset-preserving, so any finding can point back at the
exact span of the candidate's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from coach.models import Span

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


@dataclass(frozen=True)
class Token:
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

    @cached_property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")

    @cached_property
    def words(self) -> list[str]:
        return [token.lower for token in self.tokens]


class Document:
    """An answer analysed once; every check reads the same sentences and tokens."""

    def __init__(self, text: str, question: str | None = None):
        self.text = text
        self.question = question
        self.tokens = [Token(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]
        self.sentences = _split_sentences(text, self.tokens)
        # Results several checks share (the sentence models' scores), computed once.
        self.memo: dict[str, object] = {}

    @property
    def word_count(self) -> int:
        return len(self.tokens)

    def span(self, start: int, end: int) -> Span:
        return Span.of(self.text, start, end)

    def sentence_span(self, sentence: Sentence) -> Span:
        return Span.of(self.text, sentence.start, sentence.end)


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
    before = re.search(r"([A-Za-z.]+)$", text[max(0, dot - _LONGEST_ABBREVIATION) : dot])
    return bool(before) and before.group(1).lower() in _ABBREVIATIONS


def _append_sentence(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped_start = start + (len(chunk) - len(chunk.lstrip()))
    stripped_end = start + len(chunk.rstrip())
    if stripped_end > stripped_start and re.search(r"\w", text[stripped_start:stripped_end]):
        sentences.append(Sentence(stripped_start, stripped_end, text[stripped_start:stripped_end]))


def _attach_tokens(sentences: list[Sentence], tokens: list[Token]) -> None:
    index = 0
    for sentence in sentences:
        while index < len(tokens) and tokens[index].start < sentence.start:
            index += 1
        while index < len(tokens) and tokens[index].end <= sentence.end:
            sentence.tokens.append(tokens[index])
            index += 1


def is_past(word: str) -> bool:
    """A past-tense verb, by its form: irregular, an auxiliary, or a word of five letters or
    more ending in -ed ("shed" and "need" are not)."""
    return word in IRREGULAR_PAST or word in _PAST_AUXILIARIES or (len(word) > 4 and word.endswith("ed"))


def compile_phrases(phrases: list[str] | tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any phrase on word boundaries, longest first."""
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])", re.IGNORECASE)
