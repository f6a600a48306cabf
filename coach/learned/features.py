"""What the sentence models see of a sentence: features that generalise beyond exact phrases.

Pure Python, shared by training (coach/train/) and inference (coach/learned/model.py), so
both see exactly the same thing. A feature is a string; a sentence is the set of its features.
Kinds (the prefix before "="): words and word pairs, word clusters (from static embeddings,
computed at training time: coach/data/word_clusters.tsv), VADER valences, who the sentence is
about, pronouns and tense, the sentence's position in the answer, and the question's type.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from coach.rules.text import Document, Sentence, is_past

# Morphology, not phrases: coach.rules.text.is_past makes "I rewrote" an own past action.
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
    from coach.rules.questions import asks_for_story

    if not question or not question.strip():
        return "none"
    return "story" if asks_for_story(question) else "nonstory"


class _Word:
    """What the features ask of one word, looked up once per distinct word (not once per use
    and per feature kind): its w= and c= features, its valence, and the word classes."""

    __slots__ = ("text", "feature", "cluster", "cluster_feature", "valence", "hesitation", "negation",
                 "person", "subject", "first", "plural", "modal", "past", "copula", "habitual", "filler")

    def __init__(self, word: str, valence: dict[str, float], cluster_of: dict[str, str]):
        self.text = word
        self.feature = f"w={word}"
        self.cluster = cluster_of.get(word)
        # An empty cluster id names no cluster (as `if cluster:` always read it).
        self.cluster_feature = f"c={self.cluster}" if self.cluster else None
        self.valence = valence.get(word)
        self.hesitation = _HESITATION.fullmatch(word) is not None
        self.negation = word in _NEGATIONS or word.endswith("n't")
        self.person = word in _PEOPLE or word in _THIRD
        self.subject = word in _PEOPLE or word in _THIRD_SUBJECTS
        self.first = word in _FIRST_SINGULAR
        self.plural = word in _FIRST_PLURAL
        self.modal = word in _MODALS
        self.past = is_past(word)
        self.copula = word in _COPULAS
        self.habitual = word in _HABITUAL
        self.filler = word in _FILLER_WORDS


# Distinct words seen so far. Bounded: emptied when full, so a huge batch's vocabulary cannot
# grow memory without end (the entries are cheap to make again).
_WORDS: dict[str, _Word] = {}
_WORDS_LIMIT = 20_000


def _lookup(words: list[str]) -> list[_Word]:
    known = _WORDS
    if len(known) > _WORDS_LIMIT:
        known.clear()
    found = []
    for word in words:
        entry = known.get(word)
        if entry is None:
            entry = known[word] = _Word(word, valences(), clusters())
        found.append(entry)
    return found


def sentence_features(words: list[str], index: int, total: int, question: str, has_number: bool) -> set[str]:
    """The features of one sentence, given its lower-case words and where it stands.

    Hesitation sounds are dropped first, so a transcript's "so um I rang" reads as "so I rang"."""
    entries = [entry for entry in _lookup(words) if not entry.hesitation]
    features = {f"q={question}", f"len={_length(len(entries))}"}
    features.update(_position(index, total, question))
    if has_number:
        features.add("number")
    previous = "^"
    for entry in entries:
        features.add(entry.feature)
        features.add(f"b={previous}_{entry.text}")
        if entry.cluster_feature:
            features.add(entry.cluster_feature)
        previous = entry.text
    if entries:
        features.add(f"f2={entries[0].text}_{entries[1].text if len(entries) > 1 else '$'}")
    judged = _judgements(entries)
    features.update(_valence_features(judged))
    features.update(_who_features(entries, judged))
    features.update(_said_of_others(entries))
    return features


def _said_of_others(entries: list[_Word]) -> set[str]:
    """What a sentence says another person *is* or habitually does: "my boss was a
    micromanager", "the company is disorganised", "he never listened". A trait said of a
    person is a judgement of them; an event that happened near them is not."""
    found = set()
    for i, entry in enumerate(entries):
        if not entry.subject:
            continue
        rest = entries[i + 1 : i + 1 + _ATTRIBUTE_REACH]
        for j, verb in enumerate(rest):
            if verb.copula:
                complement = [w for w in rest[j + 1 :] if not w.filler][:2]
                for w in complement:
                    found.add(f"trait={w.text}")
                    if w.cluster is not None:
                        found.add(f"trait~{w.cluster}")
                    value = 0.0 if w.valence is None else w.valence
                    if value <= -1.0:
                        found.add("trait=negative")
                    elif value >= 1.0:
                        found.add("trait=positive")
                break
            if verb.habitual:
                found.add(f"habit={verb.text}")
                break
    return found


def _judgements(entries: list[_Word]) -> list[tuple[int, float]]:
    """(position, valence) of each rated word; a negation just before flips it, as VADER does
    ("not bad" is mildly positive, "not helpful" negative)."""
    judged = []
    for position, entry in enumerate(entries):
        value = entry.valence
        if value is None:
            continue
        if any(w.negation for w in entries[max(0, position - _NEGATION_REACH) : position]):
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


def _who_features(entries: list[_Word], judged: list[tuple[int, float]]) -> set[str]:
    """Who the sentence is about, who a negative word lands on, and what its verbs say of
    time and intent."""
    found = set()
    # One pass for every word class asked of the whole sentence.
    people, first = [], []
    plural = negated = modal = past = False
    for i, w in enumerate(entries):
        if w.person:
            people.append(i)
        if w.first:
            first.append(i)
        plural |= w.plural
        negated |= w.negation
        modal |= w.modal
        past |= w.past
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
    if entries and entries[0].person:
        found.add("opens=others")
    for i, entry in enumerate(entries[:-1]):
        if entry.text in ("i", "we"):
            following = entries[i + 1 : i + 3]
            if any(w.past for w in following):
                found.add(f"{entry.text}+past")
            if any(w.modal for w in following):
                found.add(f"{entry.text}+modal")
    if modal:
        found.add("modal")
    if past:
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
