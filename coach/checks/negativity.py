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
from coach.text import Document, Phrases, Sentence

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
    failure failures failed fail pressure stress stressful stressed worried concern concerns
    concerned disagree disagreed disagreement disagreements delay delayed tense tension heated
    sad crisis urgent risk risks lost lose loss missed miss confused confusing overwhelmed
    complained complain complaint complaints frustrated frustrating frustration struggled
    struggle limited limitations broke broken cut cuts no not never hurt sick illness fired
    terminated threatening threatened threat waste wasted wasting trouble weakness weaknesses
    pain critical criticism critique feedback urgent emergency fear afraid worry obstacle
    obstacles rejected reject rejection cancelled canceled cancel cancellation error errors
    argued argue arguing argument arguments furious anxious annoyed irate outage outages""".split()
)
# Insults and blame: one of these about another person makes the answer negative.
_INSULTS = Phrases(
    [
        "jerk", "jerks", "idiot", "idiots", "idiotic", "incompetent", "lazy", "useless", "clueless",
        "toxic", "stupid", "dumb", "annoying", "arrogant", "ridiculous", "pathetic", "hopeless",
        "micromanager", "micromanaged", "micromanaging", "micro-manager", "micro-managed",
        "micro-managing", "controlling", "disorganized", "disorganised", "messy", "a mess",
        "a nightmare", "a joke", "a complete joke", "a total joke", "a bad joke", "terrible", "awful", "horrible", "worst", "the worst", "hated",
        "hate", "unprofessional", "unreasonable", "unfair", "disrespectful", "selfish",
        "dishonest", "liar", "liars", "lied", "backstabbing", "favoritism", "favouritism",
        "took credit", "takes credit", "threw me under the bus", "blamed me", "blamed everyone",
        "always blamed", "never listened", "didn't listen", "did not listen", "never listen",
        "didn't care", "did not care", "don't care", "couldn't care less", "didn't bother",
        "didn't do their part", "didn't do his part", "didn't do her part", "not pulling their weight",
        "didn't pull their weight", "not everyone participated", "didn't participate",
        "weren't equally committed", "isn't equally committed", "aren't equally committed",
        "head games", "power trip", "no idea what", "had no clue", "no clue",
        "didn't know what they were doing", "didn't know what he was doing",
        "didn't know what she was doing", "other people's mistakes", "cleaning up after",
        "held me back", "holding me back", "only cared about", "treated us like", "treated me like",
        "never did any", "never did anything", "never did their job", "constantly late", "always late",
        "played favourites", "played favorites", "playing favourites", "playing favorites",
    ]
)
# Insults that are themselves names for people, so they need no other target.
_INSULTING_NAMES = Phrases(
    ["jerk", "jerks", "idiot", "idiots", "moron", "morons", "clown", "clowns", "liar", "liars",
     "toxic people", "lazy people", "incompetent people", "losers"]
)
# Grievances: milder, negative when they dominate the answer.
_GRIEVANCES = Phrases(
    [
        "didn't pay", "did not pay", "never paid", "underpaid", "low pay", "don't get along",
        "didn't get along", "did not get along", "butting heads", "butted heads", "didn't trust",
        "did not trust", "never trusted", "no support", "zero support", "didn't support",
        "never supported", "wouldn't help", "refused to help", "never helped", "no respect",
        "didn't respect", "never appreciated", "didn't appreciate", "no autonomy",
        "never gave me", "didn't give me", "never let me", "wouldn't let me",
    ]
)
_NEGATION = re.compile(r"(?:\bnot|n't|\bnever|\bno|\bhardly|\bwithout|wasn't\s+much|nothing)\W+(?:\w+\W+){0,3}$")
# Insults are negated only by a negation right before them ("he wasn't lazy").
_IMMEDIATE_NEGATION = re.compile(r"(?:\bnot|n't|\bnever|\bno)\s+(?:a\s+|an\s+|at\s+all\s+)?$")
# A pronoun refers to someone only if the judgement follows it closely ("she was rude").
_PRONOUN_TARGET = re.compile(r"\b(?:he|she|they|them|him|her|his|their)\b")
_ROLE_TARGET_WINDOW = 10
_PRONOUN_TARGET_WINDOW = 4
# Mild judgements make the answer negative when they fill this share of its sentences.
MILD_SHARE = 1 / 3
_LEXICON_FILE = "vader_lexicon.txt"
# A lexicon line is "word<TAB>mean valence<TAB>…"; one regex pass beats splitting 7,500 lines.
_NEGATIVE_ENTRY = re.compile(r"^([^\t\n]+)\t(-[0-9.]+)\t", re.MULTILINE)
# Questions about a past job make its people the implicit subject of every sentence.
_ASKS_ABOUT_EMPLOYER = re.compile(
    r"(?i)\b(?:boss|manager|supervisor|employer|co-?workers?|colleagues?|leav(?:e|ing)|left|dislike|like\s+least|last\s+(?:job|position|role|company))\b"
)


@dataclass
class NegativityOutcome(Outcome):
    sentences: int = 0


@cache
def _valences() -> dict[str, float]:
    """VADER's negative words and their valence (only those are ever looked up)."""
    # Read the lexicon as data; importing vaderSentiment itself pulls in `requests`.
    text = resources.files("vaderSentiment").joinpath(_LEXICON_FILE).read_text(encoding="utf-8")
    return {word: float(value) for word, value in _NEGATIVE_ENTRY.findall(text)}


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
        names = [m.group() for m in _INSULTING_NAMES.finditer(lower, exact)]
        return Judgement(sentence, names, strong=True) if names else None
    insults = [m.group() for m in _INSULTS.finditer(lower, exact) if not _IMMEDIATE_NEGATION.search(lower[: m.start()])]
    if insults:
        return Judgement(sentence, insults, strong=True)
    mild = [m.group() for m in _GRIEVANCES.finditer(lower, exact)]
    mild += _lexicon_judgements(sentence, targets, implicit_target)
    return Judgement(sentence, mild, strong=False) if mild else None


def _lexicon_judgements(sentence: Sentence, targets: list[int], implicit_target: bool) -> list[str]:
    valences = _valences()
    found = []
    for token, word in zip(sentence.tokens, sentence.words):  # words: each token's `lower`, made once
        if word in _NEUTRAL_DIFFICULTY or valences.get(word, 0.0) > t.NEGATIVE_VALENCE:
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
        window = _PRONOUN_TARGET_WINDOW if is_pronoun else _ROLE_TARGET_WINDOW
        if len(between) <= window and (not is_pronoun or target < offset):
            return True
    return False


def _negated(lower: str, offset: int) -> bool:
    return bool(_NEGATION.search(lower[max(0, offset - 40) : offset]))


def run(document: Document) -> NegativityOutcome:
    """The check's outcome, computed once per document: relevance's question rubrics ask for
    this verdict too (coach/checks/question_types.py)."""
    outcome = document.memo.get("negativity")
    if outcome is None:
        outcome = document.memo["negativity"] = _run(document)
    return outcome


def _run(document: Document) -> NegativityOutcome:
    implicit = bool(document.question and _ASKS_ABOUT_EMPLOYER.search(document.question))
    judgements = [j for s in document.sentences if (j := judge(s, implicit))]
    judged = {id(j.sentence) for j in judgements}
    judgements += [j for j in _confident_blame(document) if id(j.sentence) not in judged]
    outcome = NegativityOutcome(sentences=len(judgements))
    strong = any(j.strong for j in judgements)
    share = len(judgements) / max(1, len(document.sentences))
    outcome.flagged = strong or len(judgements) >= 2 or (bool(judgements) and share >= MILD_SHARE)
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
        check="negativity",
        severity="problem" if flagged else "info",
        message=message,
        span=document.sentence_span(judgement.sentence),
        suggestion="Describe the facts neutrally and move to what you did: "
        '"We saw the priorities differently, so I…"',
    )


CHECK = Check(
    id="negativity",
    description="Blame, insult or complaint about former employers, managers, colleagues or clients.",
    run=run,
    flags=(
        "My old boss was a lazy, incompetent jerk.",
        "The whole team was useless and never listened to me.",
        "My manager took credit for everything I did.",
        "Honestly the clients there were stupid and annoying.",
        "It was impossible to work with idiots like that.",
    ),
    passes=(
        "The project was three weeks behind when I joined.",
        "A difficult client asked for a full refund after the deadline.",
        "My manager and I disagreed about the rollout plan, so I proposed a pilot.",
        "I made a mistake in the report and fixed it the same day.",
    ),
)
