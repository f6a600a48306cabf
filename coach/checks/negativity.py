"""Negativity: speaking badly of a former employer, manager, colleague, team or client.

A sentence is negative when it points at other people AND judges them: blame, insult or
complaint. Describing a hard situation is not negative ("the project was three weeks
behind", "a difficult client asked for…"), so words that only name difficulty are left
out, and the judgement must come from VADER's human-rated lexicon or our own list of
blame phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from coach import thresholds as t
from coach.checks import Check, Outcome
from coach.models import Finding
from coach.text import Document, Sentence, compile_phrases

_TARGET = re.compile(
    r"""(?x)\b(?:
      boss(?:es)?|managers?|supervisors?|management|leadership|executives?|ceo|director|owner|
      employers?|(?:the|my|our|that|this|previous|former|last|old)\s+(?:company|firm|agency|organi[sz]ation|business|place|job)|
      colleagues?|co-?workers?|teammates?|team\s?mates?|(?:the|my|our|whole|entire)\s+team|staff|peers?|
      clients?|customers?|stakeholders?|recruiters?|hr|
      people|everyone|everybody|nobody|no\ one|not\ everyone|some\ of\ them|
      he|she|they|him|her|them|his|their
    )\b"""
)
# Words that name a difficulty without judging anyone.
_NEUTRAL_DIFFICULTY = frozenset(
    """difficult difficulty challenging challenge challenges demanding tough hard upset angry
    unhappy behind problem problems issue issues conflict conflicts mistake mistakes bug bugs
    failure failed fail pressure stress stressful stressed worried concern concerns concerned
    disagree disagreed disagreement disagreements delay delayed tense tension heated sad
    crisis urgent risk lost lose loss missed miss confused confusing overwhelmed complained
    complain complaint complaints frustrated frustrating frustration struggled struggle
    limited limitations broke broken cut cuts no not never hurt bad badly sick illness
    fired terminated""".split()
)
# Judgements of people that VADER under-rates or misses.
_BLAME = compile_phrases(
    [
        "jerk", "idiot", "idiots", "incompetent", "lazy", "useless", "clueless", "toxic",
        "micromanaged", "micromanager", "micromanaging", "micro-managed", "micro-manager",
        "annoying", "rude", "arrogant", "unprofessional", "unreasonable", "unfair",
        "took credit", "threw me under the bus", "blamed me", "blamed everyone", "always blamed",
        "never listened", "didn't listen", "did not listen", "didn't care", "did not care",
        "couldn't care less", "didn't do their part", "didn't do his part", "didn't do her part",
        "didn't pull their weight", "not pulling their weight", "not everyone participated",
        "weren't equally committed", "isn't equally committed", "aren't equally committed",
        "head games", "power trip", "no idea what", "had no clue", "didn't know what they were doing",
        "couldn't manage", "can't manage", "was a nightmare", "were a nightmare", "is a nightmare",
        "bad customer service", "just because", "worst boss", "worst manager", "terrible boss",
        "horrible boss", "bad boss", "bad manager", "backstabbing", "drama", "favoritism",
        "favouritism", "undermined", "disrespectful", "ungrateful", "selfish", "dishonest",
        "lied", "liars", "never helped", "no support", "zero support", "wouldn't help",
        "refused to help", "held me back", "not her role", "not his role", "not their job",
    ]
)
_LEXICON_FILE = "vader_lexicon.txt"


@dataclass
class NegativityOutcome(Outcome):
    sentences: int = 0


@cache
def _valences() -> dict[str, float]:
    # Read VADER's lexicon as data; importing vaderSentiment itself pulls in `requests`.
    text = resources.files("vaderSentiment").joinpath(_LEXICON_FILE).read_text(encoding="utf-8")
    valences = {}
    for line in text.splitlines():
        word, _, rest = line.partition("\t")
        value = rest.partition("\t")[0]
        if word and value:
            valences[word] = float(value)
    return valences


def negative_judgements(sentence: Sentence) -> list[str]:
    """The judging words of a sentence that speaks badly of someone, or []."""
    if not _TARGET.search(sentence.lower):
        return []
    found = [m.group() for m in _BLAME.finditer(sentence.lower)]
    valences = _valences()
    for word in sentence.words:
        if word in _NEUTRAL_DIFFICULTY or word in found:
            continue
        if valences.get(word, 0.0) <= t.NEGATIVE_VALENCE:
            found.append(word)
    return found


def run(document: Document) -> NegativityOutcome:
    outcome = NegativityOutcome()
    for sentence in document.sentences:
        judgements = negative_judgements(sentence)
        if not judgements:
            continue
        outcome.sentences += 1
        outcome.findings.append(
            Finding(
                check="negativity",
                severity="problem",
                message=f"Speaks badly of others ({', '.join(dict.fromkeys(judgements))}).",
                span=document.sentence_span(sentence),
                suggestion="Describe the facts neutrally and move to what you did: "
                '"We saw the priorities differently, so I…"',
            )
        )
    outcome.flagged = outcome.sentences > 0
    return outcome


CHECK = Check(
    id="negativity",
    description="Blame, insult or complaint about former employers, managers, colleagues or clients.",
    run=run,
    flags=(
        "My old boss was a lazy, incompetent jerk.",
        "The whole team was useless and never listened to me.",
        "My manager took credit for everything I did.",
        "Honestly the clients there were stupid and annoying.",
    ),
    passes=(
        "The project was three weeks behind when I joined.",
        "A difficult client asked for a full refund after the deadline.",
        "My manager and I disagreed about the rollout plan, so I proposed a pilot.",
        "I made a mistake in the report and fixed it the same day.",
    ),
)
