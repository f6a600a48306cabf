"""Rambling: too long to say aloud, filler-heavy, repetitive, or built of endless sentences.

Its vocabulary is data (coach/data/checks/rambling.yaml), its limits coach/rules/thresholds.py. It rates
concision, and an answer that drifts off topic is rambling too: that finding is the off-topic
check's (coach/checks/off_topic.py), whose verdict this one reads.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from coach.checks import off_topic
from coach.checks.base import Check, Outcome, entries, outcome_of
from coach.models import Finding, Metrics, RamblingCheck, Span
from coach.rules import thresholds as t
from coach.rules.text import Document, Phrases, per_document, word_after, word_before

ID = "rambling"

# Stretched spellings of one filler ("umm", "uhhh", "hmmm") are counted as that filler.
_STRETCHED = tuple(
    (re.compile(pattern), form)
    for pattern, form in ((r"u+h*m+", "um"), (r"u+h+", "uh"), (r"e+r+m+", "erm"), (r"e+r+", "er"), (r"h+m+", "hmm"), (r"a+h+", "ah"))
)


def filler_form(text: str) -> str:
    """The form a filler is counted under: lower case, one space, stretched spellings joined
    ("Umm", "ummm", "uhm" and "um" are one filler)."""
    form = " ".join(text.lower().split())
    return next((name for pattern, name in _STRETCHED if pattern.fullmatch(form)), form)


_LIKE = re.compile(r"(?i)(?<![\w'])like(?![\w'])")


@cache
def _fillers() -> Phrases:
    return Phrases(entries(ID, "fillers"))


@cache
def _opening_filler() -> re.Pattern[str]:
    """A sentence opened on a filler and a comma ("So, …", "Honestly, …")."""
    return re.compile(rf"^(?:{_alternation('opening_fillers')}),\s", re.IGNORECASE)


@cache
def _before_filler_like() -> re.Pattern[str]:
    return re.compile(rf"(?i)(?:,|\b(?:{_alternation('like_before')}))\s*$")


@cache
def _after_filler_like() -> re.Pattern[str]:
    # A number after it ("like 20 people") is a guess, as filler as the listed words.
    return re.compile(rf"(?i)^\s*(?:,|(?:{_alternation('like_after')}|\d+)\b)")


def _alternation(name: str) -> str:
    return "|".join(re.escape(word) for word in entries(ID, name))


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(entries(ID, "stopwords"))


@dataclass
class RamblingOutcome(Outcome):
    metrics: Metrics = field(default_factory=Metrics)
    reasons: list[str] = field(default_factory=list)
    fillers: list[Span] = field(default_factory=list)

    def ratings(self) -> dict[str, int]:
        if "filler-heavy" in self.reasons:
            return {"concision": 1}
        if self.flagged:
            return {"concision": 2}
        return {"concision": 4 if self.metrics.long_sentences else 5}

    def report(self) -> dict:
        return {"metrics": self.metrics, "checks.rambling": RamblingCheck(flagged=self.flagged, reasons=self.reasons, fillers=self.fillers)}


@per_document
def run(document: Document) -> RamblingOutcome:
    fillers = _filler_spans(document)
    long_sentences = [s for s in document.sentences if len(s.tokens) > t.LONG_SENTENCE_WORDS]
    repeats = _repeated_phrases(document)
    words = document.word_count
    metrics = Metrics(
        words=words,
        sentences=len(document.sentences),
        speaking_seconds=document.limits.speaking_seconds(words),
        filler_words=len(fillers),
        filler_density=round(len(fillers) / words, 3) if words else 0.0,
        long_sentences=len(long_sentences),
        repeated_phrases=len(repeats),
    )
    outcome = RamblingOutcome(metrics=metrics, fillers=[document.span(s, e) for s, e in fillers])
    _judge(outcome, document, fillers, long_sentences, repeats)
    return outcome


def _filler_spans(document: Document) -> list[tuple[int, int]]:
    spans = [m.span() for m in _fillers().finditer(document.text, document.text_lower)]
    spans += [(m.start(), m.end()) for m in _LIKE.finditer(document.text) if _is_filler_like(document.text, m)]
    for sentence in document.sentences:
        opening = _opening_filler().match(sentence.text)
        if opening:
            spans.append((sentence.start, sentence.start + opening.end() - 2))
    return sorted({(s + _lead(document.text, s, e), e) for s, e in spans})


def _is_filler_like(text: str, match: re.Match[str]) -> bool:
    """"like" that interrupts rather than compares or means enjoy (data: rambling.yaml's like_*):
    set off by a comma; between a joining word and what it interrupts; or, in speech without
    commas, after a preposition or article, or before an -ing verb no "like"-taker precedes."""
    before = text[max(0, match.start() - 12) : match.start()]
    after = text[match.end() : match.end() + 16]
    if before.rstrip().endswith(",") or after.lstrip().startswith(","):
        return True
    if _before_filler_like().search(before) and _after_filler_like().match(after):
        return True
    previous = word_before(text, match.start(), reach=12)
    following = word_after(text, match.end(), reach=16)
    if not following or following in _like_words("like_objects"):
        return False
    if previous in _like_words("like_after_function_word"):
        return True
    is_gerund = len(following) > 4 and following.endswith("ing")
    return is_gerund and previous not in _like_words("like_takers")


@cache
def _like_words(name: str) -> frozenset[str]:
    return frozenset(entries(ID, name))


def _lead(text: str, start: int, end: int) -> int:
    return len(text[start:end]) - len(text[start:end].lstrip())


def _repeated_phrases(document: Document) -> dict[str, int]:
    # Counted as word tuples, joined into phrases only when repeated (few are).
    counts: Counter[tuple[str, ...]] = Counter()
    stopwords = _stopwords()
    for sentence in document.sentences:
        words = [w for w in sentence.words if w not in stopwords]
        counts.update(zip(*(words[i:] for i in range(t.REPEATED_PHRASE_WORDS))))
    return {" ".join(phrase): n for phrase, n in counts.items() if n >= t.REPEATED_PHRASE_MIN_COUNT}


def _judge(outcome, document, fillers, long_sentences, repeats) -> None:
    metrics = outcome.metrics
    if metrics.words > document.limits.max_words:
        outcome.reasons.append("too long")
        outcome.findings.append(
            Finding(
                check=ID,
                severity="warning",
                message=f"{metrics.words} words is about {metrics.speaking_seconds:.0f} s spoken; "
                f"aim for under {document.limits.max_speaking_seconds} s.",
                suggestion="Keep one story, one sentence of context, and end on the result.",
            )
        )
    if metrics.filler_words >= t.MIN_FILLERS_FLAGGED and metrics.filler_density >= t.MAX_FILLER_DENSITY:
        outcome.reasons.append("filler-heavy")
        start, end = fillers[0]
        outcome.findings.append(
            Finding(
                check=ID,
                severity="warning",
                message=f"{metrics.filler_words} filler words ({metrics.filler_density:.0%} of the answer).",
                span=document.span(start, end),
                suggestion="Pause silently instead of filling the gap; it sounds more confident.",
            )
        )
    if outcome_of(off_topic, document).flagged and document.word_count >= document.limits.min_answer_words:
        # Drifting off topic is rambling too (concision 2); the finding is the off-topic check's.
        # An answer too short to be one (the relevance check's problem) has no room to ramble.
        outcome.reasons.append("off-topic")
    if repeats:
        phrase, count = max(repeats.items(), key=lambda item: item[1])
        outcome.reasons.append("repetitive")
        outcome.findings.append(
            Finding(
                check=ID,
                severity="info",
                message=f'"{phrase}" comes back {count} times.',
                suggestion="Say each point once; repetition reads as filler.",
            )
        )
    for sentence in long_sentences[:2]:
        outcome.findings.append(
            Finding(
                check=ID,
                severity="info",
                message=f"A {len(sentence.tokens)}-word sentence is hard to follow aloud.",
                span=document.sentence_span(sentence),
                suggestion="Split it into two or three short sentences.",
            )
        )
    outcome.flagged = bool(outcome.reasons)


CHECK = Check(
    id=ID,
    description="Length for a spoken answer, filler words, repeated phrases and very long sentences.",
    run=run,
    must_flag=(
        "So, um, I think, like, the thing is, you know, I was, um, kind of busy.",
        "Well, basically, we, uh, you know, just kind of did stuff and, like, it was fine I mean.",
    ),
    must_pass=(
        "I led the migration and we cut hosting costs by 30%.",
        "I like working with people who like clear goals.",
        "It looked like a simple bug, but it was a race condition.",
    ),
)
