"""What the question-type rubrics (coach/checks/question_types.py) read of an answer: the cues of
coach/data/kinds.yaml that no negation turns around, and the blame other judges already found
(the negativity check's verdict, the learned blame model's)."""

from __future__ import annotations

import re

from coach.checks.base import outcome_of
from coach.models import Span
from coach.rules.text import WORD_RE, Document, Sentence

# Where a clause ends: punctuation inside the sentence, or "but" turning it around.
CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\bbut\b")


def cue_sentences(document: Document, section: str, name: str) -> list[Sentence]:
    return [s for s in document.sentences if has_cue(s, section, name)]


def has_cue(sentence: Sentence, section: str, name: str) -> bool:
    """A cue of the list in the sentence that no negation just before it turns around."""
    from coach.rules.kinds import cue

    return any(not _negated(sentence, match.start()) for match in cue(section, name).finditer(sentence.lower))


def _negated(sentence: Sentence, offset: int) -> bool:
    """A negation a few words before the cue, in the same clause ("I'm not looking for a bigger
    title" negates "bigger"; "the pay was low, but I want to grow" does not negate "grow")."""
    window = int(kinds_config()["negation"]["window"])
    clause = CLAUSE_BREAK.split(sentence.lower[:offset])[-1]
    return any(is_negation(word) for word in WORD_RE.findall(clause)[-window:])


def is_negation(word: str) -> bool:
    # Any contracted negation ("didn't", "wasn't", "couldn't") as well as the listed words.
    return word.endswith("n't") or word in kinds_config()["negation"]["words"]


def negativity_verdict(document: Document) -> list[Span]:
    """The sentences the negativity check flags, when it flags the answer (its own verdict,
    rules plus the confident blame model); none when it lets the answer pass."""
    from coach.checks import negativity

    outcome = outcome_of(negativity, document)  # computed once per answer, with the check's own run
    return [f.span for f in outcome.findings if f.span] if outcome.flagged else []


def blame_model_sentences(document: Document) -> list[Span]:
    """The sentences the learned blame model reads as blame at its trained threshold."""
    from coach.learned.decide import BLAME, scores
    from coach.learned.model import sentence_model

    threshold = sentence_model().thresholds[BLAME]
    return [document.sentence_span(s) for s, scored in zip(document.sentences, scores(document))
            if scored.probabilities[BLAME] >= threshold]


def kind_section(name: str) -> dict:
    return kinds_config()[name]


def kinds_config() -> dict:
    from coach.rules.kinds import _config  # one read of coach/data/kinds.yaml, cached there

    return _config()
