"""Rambling: too long to say aloud, filler-heavy, repetitive, or built of endless sentences."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from coach import thresholds as t
from coach import topics
from coach.checks import Check, Outcome
from coach.models import Finding, Metrics, Span
from coach.text import Document, Phrases

# Fillers that are filler wherever they stand.
_ALWAYS_FILLER = Phrases(
    ["um", "umm", "ummm", "uh", "uhh", "uhhh", "uhm", "er", "erm", "hmm", "hmmm", "you know", "i mean", "kind of", "sort of",
     "basically", "literally", "actually", "you know what i mean", "or whatever", "and stuff",
     "and stuff like that", "and so on and so forth", "right?", "yeah", "okay so", "ok so"]
)
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


# "like" is filler when it interrupts ("it was, like, huge"), not when it compares or means enjoy.
_LIKE = re.compile(r"(?i)(?<![\w'])like(?![\w'])")
_BEFORE_FILLER_LIKE = re.compile(r"(?i)(?:,|\b(?:was|were|is|are|just|and|so|um|uh|it's|i'm|we're))\s*$")
_AFTER_FILLER_LIKE = re.compile(r"(?i)^\s*(?:,|(?:a|the|so|really|totally|super|\d+|i|we|he|she|they|um|uh|this|literally)\b)")
_DETERMINERS = frozenset(
    "a an the this that these those what which every any some one new same different other "
    "right wrong certain particular only first last each another".split()
)
# "so", "well", "actually" and "right" are filler only when they open a sentence with a comma.
_OPENING_FILLER = re.compile(r"^(?:so|well|okay|ok|right|anyway|actually|honestly),\s", re.IGNORECASE)
_STOPWORDS = frozenset(
    """a an the and or but so to of in on at for with i we my our it is was were be been this that
    they he she you me us them his her their there then just very really also as by from had have""".split()
)


@dataclass
class RamblingOutcome(Outcome):
    metrics: Metrics = field(default_factory=Metrics)
    reasons: list[str] = field(default_factory=list)
    fillers: list[Span] = field(default_factory=list)


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
    spans = [m.span() for m in _ALWAYS_FILLER.finditer(document.text, document.text_lower) if not _is_noun_kind_of(document.text, m)]
    spans += [(m.start(), m.end()) for m in _LIKE.finditer(document.text) if _is_filler_like(document.text, m)]
    for sentence in document.sentences:
        opening = _OPENING_FILLER.match(sentence.text)
        if opening:
            spans.append((sentence.start, sentence.start + opening.end() - 2))
    return sorted({(s + _lead(document.text, s, e), e) for s, e in spans})


def _is_noun_kind_of(text: str, match: re.Match[str]) -> bool:
    """ "a new kind of database" names a type; only a bare "kind of" hedges."""
    if match.group().lower().split()[0] not in ("kind", "sort"):
        return False
    before = re.findall(r"[\w']+", text[max(0, match.start() - 20) : match.start()].lower())
    return bool(before) and before[-1] in _DETERMINERS


def _is_filler_like(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 12) : match.start()]
    after = text[match.end() : match.end() + 12]
    if before.rstrip().endswith(",") or after.lstrip().startswith(","):
        return True
    return bool(_BEFORE_FILLER_LIKE.search(before) and _AFTER_FILLER_LIKE.match(after))


def _lead(text: str, start: int, end: int) -> int:
    return len(text[start:end]) - len(text[start:end].lstrip())


def _repeated_phrases(document: Document) -> dict[str, int]:
    # Counted as word tuples, joined into phrases only when repeated (few are).
    counts: Counter[tuple[str, ...]] = Counter()
    for sentence in document.sentences:
        words = [w for w in sentence.words if w not in _STOPWORDS]
        counts.update(zip(*(words[i:] for i in range(t.REPEATED_PHRASE_WORDS))))
    return {" ".join(phrase): n for phrase, n in counts.items() if n >= t.REPEATED_PHRASE_MIN_COUNT}


def _judge(outcome, document, fillers, long_sentences, repeats) -> None:
    metrics = outcome.metrics
    if metrics.words > document.limits.max_words:
        outcome.reasons.append("too long")
        outcome.findings.append(
            Finding(
                check="rambling",
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
                check="rambling",
                severity="warning",
                message=f"{metrics.filler_words} filler words ({metrics.filler_density:.0%} of the answer).",
                span=document.span(start, end),
                suggestion="Pause silently instead of filling the gap; it sounds more confident.",
            )
        )
    if metrics.sentences and topics.off_topic_share(document.sentences) >= t.OFF_TOPIC_SHARE:
        outcome.reasons.append("off-topic")
        personal = next(s for s in document.sentences if topics.is_personal(s))
        outcome.findings.append(
            Finding(
                check="rambling",
                severity="problem",
                message="The answer drifts into private life instead of answering the question.",
                span=document.sentence_span(personal),
                suggestion="Answer with an example from work, study or volunteering; keep private life out.",
            )
        )
    if repeats:
        phrase, count = max(repeats.items(), key=lambda item: item[1])
        outcome.reasons.append("repetitive")
        outcome.findings.append(
            Finding(
                check="rambling",
                severity="info",
                message=f'"{phrase}" comes back {count} times.',
                suggestion="Say each point once; repetition reads as filler.",
            )
        )
    for sentence in long_sentences[:2]:
        outcome.findings.append(
            Finding(
                check="rambling",
                severity="info",
                message=f"A {len(sentence.tokens)}-word sentence is hard to follow aloud.",
                span=document.sentence_span(sentence),
                suggestion="Split it into two or three short sentences.",
            )
        )
    outcome.flagged = bool(outcome.reasons)


CHECK = Check(
    id="rambling",
    description="Length for a spoken answer, filler words, repeated phrases and very long sentences.",
    run=run,
    flags=(
        "So, um, I think, like, the thing is, you know, I was, um, kind of busy.",
        "Well, basically, we, uh, you know, just kind of did stuff and, like, it was fine I mean.",
    ),
    passes=(
        "I led the migration and we cut hosting costs by 30%.",
        "I like working with people who like clear goals.",
        "It looked like a simple bug, but it was a race condition.",
    ),
)
