"""A quality guard on what the model writes: never print junk as advice.

Small models invent quotes, write in another language, give advice that fits any answer,
or "improve" a story with numbers the candidate never said. Quotes are checked in
verify.py; here the prose is: each strength and suggestion must be in the answer's
language and share content words with the answer or question, and a rewrite must reuse
the candidate's material and add no numbers of its own.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STEM = 5  # a crude stem: "shipped"/"shipping", "release"/"releases" share their first 5 letters
_MIN_CONTENT_LETTERS = 4
# Share of a rewrite's content stems that must come from the answer or question.
MIN_REWRITE_OVERLAP = 0.25
# A reply where more than this share of quotes and advice is rejected is junk as a whole.
JUNK_SHARE = 0.6
JUNK_MIN_ITEMS = 3
# Advice whose longest run of the answer's own words is at least this long and covers more
# than this share of it is the answer copied back, not advice.
ECHO_MIN_WORDS = 5
ECHO_SHARE = 0.6
# Four STAR parts do not fit in fewer words; SmolLM2-135M's "rewrites" were two sentences of
# the answer pasted together (21 words). (Pasting as such is no sign: a capable model's
# rewrite of a good answer keeps ~90% of its words in runs of the candidate's phrases.)
MIN_REWRITE_WORDS = 30
# Advice shorter than this is a fragment ("Stayed calm.", "Good teamwork."), not a coach's
# sentence; advice this long names what to change, even in words the answer does not use.
MIN_ADVICE_WORDS = 5
DEVELOPED_ADVICE_WORDS = 9
# A rewrite may be a template: "[the project]", "[what you did first]" stand for the facts the
# candidate never gave. They are left out of every check of the rewrite's own material.
_PLACEHOLDER = re.compile(r"\[[^\]\n]{1,120}\]")

# Coaching vocabulary: any advice on any answer says "result", "team" or "impact", so sharing
# only these with the answer does not make advice about this answer ("Add a clear result to
# show your impact"). Stems of _STEM letters; "contribution" is left out ("contr" is also
# "contract", "control").
_COACHING_STEMS = frozenset(
    w[:_STEM]
    for w in """result results team teams project projects situation task tasks action actions answer
    story stories detail details impact example examples number numbers metric metrics outcome
    outcomes specific specifics describe explain mention focus clear clearly structure role
    responsibility achievement challenge problem success successful work experience skill skills
    approach process question candidate highlight quantify measure improve better more most less
    instead concrete exactly part personal yourself first then finally next make sure show tell name
    give include start open close keep shorten short long lead said say word words sentence""".split()
)

_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
     "ninety": "90", "hundred": "100", "thousand": "1000", "dozen": "12", "half": "50"}

# Advice speaks to the candidate ("Say what you…", "The numbers make…"); a "suggestion" that
# opens as the candidate ("I was able to…") is a small model continuing the story instead.
_NARRATOR = frozenset(
    "i i'm i've i'd we we're we've my our me us "  # and the same in the other languages answers come in
    "yo mi mis nosotros nuestro nuestra je j moi mon ma mes nous notre ich mich mir mein meine meinen wir uns unser "
    "unsere eu meu minha meus nós io mio mia noi".split()
)
# "Then I trained…", "So we…": a story going on, not advice, even when the "I" is not first.
_STORY_OPENERS = frozenset("then so and but also afterwards later finally first after that".split())

_STOPWORDS = {
    "en": "the and of to in that is was for it with as on at by this have from or but not are were be "
          "had my we our they their you your what when which who will would there been has then so",
    "es": "el la de que y en los las del se por con para una un su al lo como más pero sus le ya o "
          "fue este ha sí porque esta entre cuando muy sin sobre también me hasta hay donde",
    "fr": "le la les de des du et en un une est que qui dans pour pas sur au avec ce il elle ne se "
          "par plus mais nous vous ont été sont cette aux je mon",
    "de": "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch es "
          "an werden aus er hat dass sie nach wird bei einer um am sind noch wie ich wir",
    "it": "il di che e la per un in è non una sono mi si gli le ho lo ma ha da del della con come "
          "nel questo anche più alla ci io noi",
    "pt": "de que e o a do da em um para é com não uma os no se na por mais as dos como mas foi ao "
          "ele das tem à seu sua ou eu nós",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er om ook als dan bij of uit "
          "naar maar wel nog ik wij",
}
_STOP_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_ALL_STOPWORDS = frozenset().union(*_STOP_SETS.values())


# Words that fill speech without carrying content: a quote made only of these and function
# words ("you know", "kind of like") proves nothing about the answer.
_EMPTY_WORDS = frozenset(
    "know mean like guess basically actually really kind sort stuff thing things just yeah okay well "
    "right literally totally honestly anyway sure maybe something everything anything very much".split()
)


def has_content(text: str) -> bool:
    return any(w not in _EMPTY_WORDS for w in words(text) if len(w) >= _MIN_CONTENT_LETTERS and w not in _ALL_STOPWORDS)


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def content_stems(text: str) -> set[str]:
    return {
        w[:_STEM] for w in words(text) if len(w) >= _MIN_CONTENT_LETTERS and w not in _ALL_STOPWORDS
    }


def language(text: str) -> str | None:
    """The language whose function words dominate, or None when the text is too short to tell."""
    counts = {lang: 0 for lang in _STOP_SETS}
    for word in words(text):
        for lang, stops in _STOP_SETS.items():
            if word in stops:
                counts[lang] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 3 or top < 1.5 * second:
        return None
    return best


class Guard:
    """Judges the model's prose against one answer (and its question)."""

    def __init__(self, answer: str, question: str | None = None):
        self.answer = answer
        self.language = language(answer)
        self._stems = content_stems(answer) | content_stems(question or "")
        self._specific_stems = self._stems - _COACHING_STEMS
        source = answer + " " + (question or "")
        # "three weeks" in the answer may fairly become "3 weeks" in the rewrite.
        self._numbers = {_plain_number(n) for n in _NUMBER.findall(source)}
        self._numbers |= {_NUMBER_WORDS[w] for w in words(source) if w in _NUMBER_WORDS}
        self._answer_words = f" {' '.join(words(answer))} "

    def advice_ok(self, text: str) -> bool:
        """A strength or suggestion: advice (not a story), same language, about this answer:
        it shares a word with the answer or question beyond the coaching vocabulary, or it is
        developed enough to say what to change in words of its own ("Remove the fillers and say
        it as six or seven short sentences"): generic advice is a fragment ("Add more details.")
        or coaching words only."""
        if len(words(text)) < MIN_ADVICE_WORDS or not self.comment_ok(text):
            return False
        stems = content_stems(text)
        if stems & self._specific_stems:
            return True
        # Developed advice in its own words still names something beyond the coaching
        # vocabulary ("fillers", "labels", "scripted"); "Add a clear result with numbers to
        # show your impact" fits any answer whatever its length.
        return len(words(text)) >= DEVELOPED_ADVICE_WORDS and bool(stems - _COACHING_STEMS)

    def strength_ok(self, text: str) -> bool:
        """A strength is advice about what the answer already has: no number it does not have.
        (A suggestion may fairly give an example figure to add.)"""
        return self.advice_ok(text) and not self.invented_numbers(text)

    def comment_ok(self, text: str) -> bool:
        """What the model says about a passage (a concern's problem) or the answer: spoken to the
        candidate, not as them; same language; its own words, not the answer copied back."""
        said = words(text)
        if len(said) < 3 or _speaks_as_candidate(text, said):
            return False
        return self._same_language(text) and not self.echoes_answer(said)

    def echoes_answer(self, said: list[str]) -> bool:
        """Most of the text is one run of the answer's own words: a small model copying the
        answer back as "advice" ("The coffee shop"). Quoting a phrase inside advice is fine."""
        longest = max(self._copied_runs(said), default=0)
        return longest == len(said) or (longest >= ECHO_MIN_WORDS and longest > ECHO_SHARE * len(said))

    def rewrite_ok(self, text: str) -> bool:
        """A rewrite: long enough to tell a story, same language, built from the candidate's
        material, no invented numbers. In a template, the placeholders stand for the
        candidate's own facts: only what is written around them is checked."""
        if len(words(text)) < MIN_REWRITE_WORDS or not self._same_language(text):
            return False
        own = _PLACEHOLDER.sub(" ", text)
        stems = content_stems(own)
        if not stems:
            return is_template(text)
        if not is_template(text) and len(stems & self._stems) / len(stems) < MIN_REWRITE_OVERLAP:
            return False
        return not self.invented_numbers(own)

    def _copied_runs(self, said: list[str]) -> list[int]:
        """Lengths of the runs of `said`, greedy left to right, that appear word for word in the answer."""
        runs, start = [], 0
        while start < len(said):
            end = start
            while end < len(said) and f" {' '.join(said[start:end + 1])} " in self._answer_words:
                end += 1
            runs.append(end - start)
            start = max(end, start + 1)
        return [run for run in runs if run]

    def invented_numbers(self, text: str) -> list[str]:
        return [n for n in _NUMBER.findall(text) if _plain_number(n) not in self._numbers]

    def _same_language(self, text: str) -> bool:
        """Not written in another language than the answer. Short advice has too few function
        words for `language` to be sure, so a weaker sign decides then: more function words of
        one other language than of the answer's, or accented letters an English answer lacks."""
        theirs = language(text)
        if self.language is None:
            return True
        if theirs is not None:
            return theirs == self.language
        counts = {lang: sum(w in stops for w in words(text)) for lang, stops in _STOP_SETS.items()}
        mine = counts.pop(self.language)
        if max(counts.values()) >= 2 and max(counts.values()) > mine:
            return False
        return not (self.language == "en" and len(_ACCENTED.findall(text)) >= 2 and not _ACCENTED.search(self.answer))


_ACCENTED = re.compile(r"[à-öø-ÿ¿¡ñß]", re.IGNORECASE)


def is_template(rewrite: str) -> bool:
    """A rewrite with placeholders for facts the candidate never gave: shown as a template."""
    return len(_PLACEHOLDER.findall(rewrite)) >= 2


def _speaks_as_candidate(text: str, said: list[str]) -> bool:
    # '"We" hides your part' quotes the candidate; 'We shipped it early' is the candidate, and so
    # is '…the client walked away and we were able to negotiate…' (two first-person words outside
    # quotation marks: advice to the candidate says "you", and quotes their "I" and "we").
    opens_as_narrator = bool(said) and (said[0] in _NARRATOR or (said[0] in _STORY_OPENERS and len(said) > 1 and said[1] in _NARRATOR))
    if opens_as_narrator and not text.lstrip().startswith(_QUOTE_MARKS):
        return True
    unquoted = words(_QUOTED.sub(" ", text))
    return sum(word in _NARRATOR for word in unquoted) >= 2


_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|„[^“”]*[“”]|«[^»]*»|»[^«]*«|‘[^’]*’(?!\w)|‚[^‘’]*[‘’]|(?<!\w)\'[^\']*\'(?!\w)')


_QUOTE_MARKS = ('"', "'", "“", "‘", "«", "»", "„", "‚", "`")


def is_junk(rejected: int, total: int) -> bool:
    return total >= JUNK_MIN_ITEMS and rejected / total > JUNK_SHARE


def _plain_number(text: str) -> str:
    return text.replace(",", "").rstrip(".")
