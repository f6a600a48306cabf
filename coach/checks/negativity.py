"""Negativity: speaking badly of a former employer, manager, colleague, team or client.

A sentence is negative when it points at other people AND judges them: blame, insult or
complaint. Describing a hard situation is not negative ("the project was three weeks
behind", "a difficult client asked for…"), so words that only name difficulty are left
out, and the judgement must come from VADER's human-rated lexicon or our own list of
blame phrases. The lists and limits are data (coach/data/checks/negativity.yaml). It rates tone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from coach.checks.base import Check, Outcome, entries, limit, outcome_of
from coach.models import Finding, NegativityCheck
from coach.rules import thresholds as t
from coach.rules.text import Document, Phrases, Sentence, per_document

ID = "negativity"

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
_NEGATION = re.compile(r"(?:\bnot|n't|\bnever|\bno|\bhardly|\bwithout|wasn't\s+much|nothing)\W+(?:\w+\W+){0,3}$")
# Insults are negated only by a negation right before them ("he wasn't lazy").
_IMMEDIATE_NEGATION = re.compile(r"(?:\bnot|n't|\bnever|\bno)\s+(?:a\s+|an\s+|at\s+all\s+)?$")
# A pronoun refers to someone only if the judgement follows it closely ("she was rude").
_PRONOUN_TARGET = re.compile(r"\b(?:he|she|they|them|him|her|his|their)\b")
# Questions about a past job make its people the implicit subject of every sentence.
_ASKS_ABOUT_EMPLOYER = re.compile(
    r"(?i)\b(?:boss|manager|supervisor|employer|co-?workers?|colleagues?|leav(?:e|ing)|left|dislike|like\s+least|last\s+(?:job|position|role|company))\b"
)


@cache
def _phrases(name: str) -> Phrases:
    return Phrases(entries(ID, name))


@cache
def _neutral_difficulty() -> frozenset[str]:
    """Words that name a difficulty without judging anyone."""
    return frozenset(entries(ID, "neutral_difficulty"))


@cache
def mild_share() -> float:
    """Mild judgements make the answer negative when they fill this share of its sentences."""
    return float(Fraction(str(limit(ID, "mild_share"))))


@dataclass
class NegativityOutcome(Outcome):
    sentences: int = 0

    def ratings(self) -> dict[str, int]:
        if self.flagged:
            return {"tone": 1}
        return {"tone": 4 if self.sentences else 5}

    def strengths(self, document: Document) -> list[tuple[str, str]]:
        from coach.checks import star  # star reads this check's verdict at import time: the other way round is lazy

        if not self.flagged and outcome_of(star, document).star.action.present:
            return [("tone", "Keeps a constructive tone about other people.")]
        return []

    def report(self) -> dict:
        return {"checks.negativity": NegativityCheck(flagged=self.flagged, sentences=self.sentences)}


def _valences() -> dict[str, float]:
    """VADER's human-rated valences: the learned features' reading of the lexicon (read once for
    both; only the negative words ever count here)."""
    from coach.learned.features import valences

    return valences()


@dataclass
class Judgement:
    sentence: Sentence
    words: list[str]
    strong: bool


def judge(sentence: Sentence, implicit_target: bool = False) -> Judgement | None:
    """How a sentence speaks of other people: insults, grievances, or negative words."""
    lower, exact = sentence.lower, sentence.lower_for_phrases
    targets = [m.start() for m in _TARGET.finditer(lower)]
    if not targets and not implicit_target:
        # "idiots like that": some insults name the people they insult.
        names = [m.group() for m in _phrases("insulting_names").finditer(lower, exact)]
        return Judgement(sentence, names, strong=True) if names else None
    insults = [m.group() for m in _phrases("insults").finditer(lower, exact) if not _IMMEDIATE_NEGATION.search(lower[: m.start()])]
    if insults:
        return Judgement(sentence, insults, strong=True)
    mild = [m.group() for m in _phrases("grievances").finditer(lower, exact)]
    mild += _lexicon_judgements(sentence, targets, implicit_target)
    return Judgement(sentence, mild, strong=False) if mild else None


def _lexicon_judgements(sentence: Sentence, targets: list[int], implicit_target: bool) -> list[str]:
    valences, neutral = _valences(), _neutral_difficulty()
    found = []
    for token, word in zip(sentence.tokens, sentence.words):  # words: each token's `lower`, made once
        if word in neutral or valences.get(word, 0.0) > t.NEGATIVE_VALENCE:
            continue
        offset = token.start - sentence.start
        if _negated(sentence.lower, offset):
            continue
        if implicit_target or _near_target(sentence.lower, offset, targets):
            found.append(word)
    return found


def _near_target(lower: str, offset: int, targets: list[int]) -> bool:
    for target in targets:
        between = lower[min(target, offset) : max(target, offset)].split()
        is_pronoun = _PRONOUN_TARGET.match(lower, target) is not None
        window = limit(ID, "pronoun_target_window") if is_pronoun else limit(ID, "role_target_window")
        if len(between) <= window and (not is_pronoun or target < offset):
            return True
    return False


def _negated(lower: str, offset: int) -> bool:
    return bool(_NEGATION.search(lower[max(0, offset - 40) : offset]))


@per_document
def run(document: Document) -> NegativityOutcome:
    """Computed once per document: the question-type rubrics and the STAR strengths ask for
    this verdict too."""
    implicit = bool(document.question and _ASKS_ABOUT_EMPLOYER.search(document.question))
    judgements = [j for s in document.sentences if (j := judge(s, implicit))]
    judged = {id(j.sentence) for j in judgements}
    judgements += [j for j in _confident_blame(document) if id(j.sentence) not in judged]
    outcome = NegativityOutcome(sentences=len(judgements))
    strong = any(j.strong for j in judgements)
    share = len(judgements) / max(1, len(document.sentences))
    outcome.flagged = strong or len(judgements) >= 2 or (bool(judgements) and share >= mild_share())
    for judgement in judgements:
        outcome.findings.append(_finding(document, judgement, outcome.flagged))
    return outcome


def _confident_blame(document: Document) -> list[Judgement]:
    """Blame the rules' words miss ("it was never my fault", "the whole place ran on who you
    knew"): sentences the learned blame model is sure of (thresholds.CONFIDENT_BLAME)."""
    from coach.learned.decide import BLAME, scores
    from coach.learned.model import sentence_model

    model = sentence_model()
    found = []
    for sentence, scored in zip(document.sentences, scores(document)):
        if scored.probabilities[BLAME] >= t.CONFIDENT_BLAME:
            cues = model.reasons(scored, BLAME) or ["its wording"]
            found.append(Judgement(sentence, cues, strong=True))
    return found


def _finding(document: Document, judgement: Judgement, flagged: bool) -> Finding:
    words = ", ".join(dict.fromkeys(judgement.words))
    if flagged:
        message = f"Speaks badly of others ({words})."
    else:
        message = f"Describes someone negatively ({words}); fine once, as long as the story stays constructive."
    return Finding(
        check=ID,
        severity="problem" if flagged else "info",
        message=message,
        span=document.sentence_span(judgement.sentence),
        suggestion="Describe the facts neutrally and move to what you did: "
        '"We saw the priorities differently, so I…"',
    )


CHECK = Check(
    id=ID,
    description="Blame, insult or complaint about former employers, managers, colleagues or clients.",
    run=run,
    must_flag=(
        "My old boss was a lazy, incompetent jerk.",
        "The whole team was useless and never listened to me.",
        "My manager took credit for everything I did.",
        "Honestly the clients there were stupid and annoying.",
        "It was impossible to work with idiots like that.",
    ),
    must_pass=(
        "The project was three weeks behind when I joined.",
        "A difficult client asked for a full refund after the deadline.",
        "My manager and I disagreed about the rollout plan, so I proposed a pilot.",
        "I made a mistake in the report and fixed it the same day.",
    ),
)
