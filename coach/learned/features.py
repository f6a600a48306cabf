"""What the sentence models see of a sentence: features that generalise beyond exact phrases.

Pure Python, shared by training (coach/train.py) and inference (coach/learned/model.py), so
both see exactly the same thing. A feature is a string; a sentence is the set of its features.
Kinds (the prefix before "="): words and word pairs, word clusters (from static embeddings,
computed at training time: coach/data/word_clusters.tsv), VADER valences, who the sentence is
about, pronouns and tense, the sentence's position in the answer, and the question's type.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from coach.text import Document, Sentence, is_past

# Morphology, not phrases: coach.text.is_past makes "I rewrote" an own past action.
_MODALS = frozenset("would will could should might may must shall going gonna plan planned hope hoped intend intended want wanted".split())
_NEGATIONS = frozenset("not never no nothing nobody none neither nor n't cannot".split())
_FIRST_SINGULAR = frozenset("i me my myself mine i'm i've i'd i'll".split())
_FIRST_PLURAL = frozenset("we us our ourselves we're we've we'd we'll".split())
_THIRD = frozenset("he she they him her them his their himself herself themselves he's she's they're".split())
# Who a judgement can land on: people and organisations a candidate worked with. A class of
# nouns, not phrases; the word clusters carry the rest.
_PEOPLE = frozenset(
    """boss bosses manager managers supervisor supervisors management leadership director directors
    owner owners employer employers company firm colleague colleagues coworker coworkers co-worker
    co-workers teammate teammates team staff client clients customer customers people everyone
    everybody nobody lead leader head chef foreman hr department executives ceo""".split()
)
# A negation this many words before a rated word flips it, by VADER's own factor.
_NEGATION_REACH = 3
_NEGATION_FLIP = -0.74
# A judgement lands on a person named this many words away.
_TARGET_REACH = 6
# "he was", "my manager is", "the team seemed": what a person is said to be.
_COPULAS = frozenset("is was were are 's seemed seems became acted acts felt looks looked sounded".split())
# "she always", "they never": what a person is said to do, habitually.
_HABITUAL = frozenset("always never constantly kept didn't wouldn't refused couldn't won't".split())
_THIRD_SUBJECTS = frozenset("he she they".split())
_FILLER_WORDS = frozenset("a an the just really very so totally completely pretty kind sort of like quite such".split())
_ATTRIBUTE_REACH = 3
_HESITATION = re.compile(r"u+h*m+|u+h+|e+r+m*|h+m+|a+h+|mm+")
_LENGTH_BUCKETS = ((4, "1-4"), (9, "5-9"), (19, "10-19"), (34, "20-34"))
_VALENCE_FILE = "vader_lexicon.txt"
_VALENCE_ENTRY = re.compile(r"^([^\t\n]+)\t(-?[0-9.]+)\t", re.MULTILINE)
CLUSTER_FILE = "word_clusters.tsv"


@cache
def valences() -> dict[str, float]:
    """VADER's human-rated valence of 7,500 words (read as data, the module is never imported)."""
    text = resources.files("vaderSentiment").joinpath(_VALENCE_FILE).read_text(encoding="utf-8")
    return {word: float(value) for word, value in _VALENCE_ENTRY.findall(text)}


@cache
def clusters() -> dict[str, str]:
    """word -> cluster id, from static word embeddings clustered at training time."""
    try:
        text = resources.files("coach.data").joinpath(CLUSTER_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return dict(line.split("\t", 1) for line in text.splitlines() if "\t" in line)


def question_kind(question: str | None) -> str:
    from coach.questions import asks_for_story

    if not question or not question.strip():
        return "none"
    return "story" if asks_for_story(question) else "nonstory"


def sentence_features(words: list[str], index: int, total: int, question: str, has_number: bool) -> set[str]:
    """The features of one sentence, given its lower-case words and where it stands.

    Hesitation sounds are dropped first, so a transcript's "so um I rang" reads as "so I rang"."""
    valence, cluster_of = valences(), clusters()
    words = [w for w in words if not _HESITATION.fullmatch(w)]
    features = {f"q={question}", f"len={_length(len(words))}"}
    features.update(_position(index, total, question))
    if has_number:
        features.add("number")
    previous = "^"
    for word in words:
        features.add(f"w={word}")
        features.add(f"b={previous}_{word}")
        cluster = cluster_of.get(word)
        if cluster:
            features.add(f"c={cluster}")
        previous = word
    if words:
        features.add(f"f2={words[0]}_{words[1] if len(words) > 1 else '$'}")
    judged = _judgements(words, valence)
    features.update(_valence_features(judged))
    features.update(_who_features(words, judged))
    features.update(_said_of_others(words, valence, cluster_of))
    return features


def _said_of_others(words: list[str], valence: dict[str, float], cluster_of: dict[str, str]) -> set[str]:
    """What a sentence says another person *is* or habitually does: "my boss was a
    micromanager", "the company is disorganised", "he never listened". A trait said of a
    person is a judgement of them; an event that happened near them is not."""
    found = set()
    for i, word in enumerate(words):
        if word not in _PEOPLE and word not in _THIRD_SUBJECTS:
            continue
        rest = words[i + 1 : i + 1 + _ATTRIBUTE_REACH]
        for j, verb in enumerate(rest):
            if verb in _COPULAS:
                complement = [w for w in rest[j + 1 :] if w not in _FILLER_WORDS][:2]
                for w in complement:
                    found.add(f"trait={w}")
                    if w in cluster_of:
                        found.add(f"trait~{cluster_of[w]}")
                    if valence.get(w, 0.0) <= -1.0:
                        found.add("trait=negative")
                    elif valence.get(w, 0.0) >= 1.0:
                        found.add("trait=positive")
                break
            if verb in _HABITUAL:
                found.add(f"habit={verb}")
                break
    return found


def _judgements(words: list[str], valence: dict[str, float]) -> list[tuple[int, float]]:
    """(position, valence) of each rated word; a negation just before flips it, as VADER does
    ("not bad" is mildly positive, "not helpful" negative)."""
    judged = []
    for position, word in enumerate(words):
        value = valence.get(word)
        if value is None:
            continue
        if any(w in _NEGATIONS or w.endswith("n't") for w in words[max(0, position - _NEGATION_REACH) : position]):
            value *= _NEGATION_FLIP
        judged.append((position, value))
    return judged


def _length(n: int) -> str:
    return next((name for limit, name in _LENGTH_BUCKETS if n <= limit), "35+")


def _position(index: int, total: int, question: str) -> set[str]:
    if total == 1:
        where = "only"
    elif index == 0:
        where = "first"
    elif index == total - 1:
        where = "last"
    else:
        where = ("early", "middle", "late")[min(2, 3 * index // total)]
    return {f"pos={where}", f"pos={where}&q={question}"}


def _valence_features(judged: list[tuple[int, float]]) -> set[str]:
    values = [value for _, value in judged]
    lowest, highest = min(values, default=0.0), max(values, default=0.0)
    negatives = sum(value <= -1.0 for value in values)
    found = set()
    if lowest <= -2.0:
        found.add("vmin<=-2")
    elif lowest <= -1.0:
        found.add("vmin<=-1")
    if highest >= 2.0:
        found.add("vmax>=2")
    if negatives >= 2:
        found.add("vneg>=2")
    return found


def _who_features(words: list[str], judged: list[tuple[int, float]]) -> set[str]:
    """Who the sentence is about, who a negative word lands on, and what its verbs say of
    time and intent."""
    found = set()
    people = [i for i, w in enumerate(words) if w in _PEOPLE or w in _THIRD]
    first = [i for i, w in enumerate(words) if w in _FIRST_SINGULAR]
    plural = any(w in _FIRST_PLURAL for w in words)
    negated = any(w in _NEGATIONS or w.endswith("n't") for w in words)
    for name, present in (("others", people), ("i", first), ("we", plural), ("negated", negated)):
        if present:
            found.add(f"who={name}")
    for position, value in judged:
        if value > -1.0:
            continue
        strength = "strong" if value <= -2.0 else "mild"
        near_others = any(abs(position - p) <= _TARGET_REACH for p in people)
        near_self = any(abs(position - p) <= _TARGET_REACH for p in first)
        if near_others:
            found.add(f"judged=others:{strength}")
        elif near_self:
            found.add(f"judged=self:{strength}")
        else:
            found.add(f"judged=nobody:{strength}")
    if words and words[0] in _THIRD | _PEOPLE:
        found.add("opens=others")
    for i, word in enumerate(words[:-1]):
        if word in ("i", "we"):
            following = words[i + 1 : i + 3]
            if any(is_past(w) for w in following):
                found.add(f"{word}+past")
            if any(w in _MODALS for w in following):
                found.add(f"{word}+modal")
    if any(w in _MODALS for w in words):
        found.add("modal")
    if any(is_past(w) for w in words):
        found.add("past")
    return found


def document_features(document: Document) -> list[set[str]]:
    """The features of every sentence of an analysed answer, in order."""
    from coach.checks.specificity import document_quantities

    question = question_kind(document.question)
    numbers = [start for start, _ in document_quantities(document)]
    total = len(document.sentences)
    return [
        sentence_features(sentence.words, index, total, question, _holds(sentence, numbers))
        for index, sentence in enumerate(document.sentences)
    ]


def _holds(sentence: Sentence, starts: list[int]) -> bool:
    return any(sentence.start <= start < sentence.end for start in starts)


# Feature kinds that carry what an answer says, not where it stands.
_DODGE_KINDS = ("w=", "b=", "c=", "judged", "who", "i+", "we+", "modal", "past", "trait", "number", "q=")


def dodge_features(sentence_features: list[set[str]]) -> set[str]:
    """An answer as its first sentence (where a dodge is said: "Honestly I've never really had
    a conflict") and the rest, and its length in sentences: the dodge model's features."""
    found = {f"n={min(len(sentence_features), 6)}"}
    for index, features in enumerate(sentence_features):
        prefix = "s1:" if index == 0 else "r:"
        found.update(prefix + f for f in features if f.startswith(_DODGE_KINDS))
    return found
