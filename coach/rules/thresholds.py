"""Every threshold the offline engine uses, in one place (documented in docs/rubric.md).

Change a number here, rerun `coach eval`, and keep the change only if the figures hold. The
three a user may tune (`[limits]` in the configuration, coach/config.py) travel as `Limits`.
"""

from dataclasses import dataclass

# Speaking pace used to turn words into seconds (a calm interview pace).
WORDS_PER_MINUTE = 150

# Rambling: a spoken answer over ~2 minutes loses the listener.
MAX_SPEAKING_SECONDS = 120
MAX_WORDS = MAX_SPEAKING_SECONDS * WORDS_PER_MINUTE // 60
# A sentence longer than this is hard to follow when spoken.
LONG_SENTENCE_WORDS = 40
# Filler-heavy: this many fillers, and at least this share of all words: about one filler
# every 15 words, the labelled sets' own definition of "heavy with filler". (It was 0.04, one
# in 25, which flagged fluent speakers' ordinary "um"s.)
MIN_FILLERS_FLAGGED = 3
MAX_FILLER_DENSITY = 1 / 15
# Repetition: the same 3-word phrase (content words only) this many times.
REPEATED_PHRASE_MIN_COUNT = 3
REPEATED_PHRASE_WORDS = 3

# Off-topic: this share of sentences about private life (weekends, food, pets, family).
OFF_TOPIC_SHARE = 0.4

# Too short to be a real answer to an interview question.
MIN_ANSWER_WORDS = 25

# Negativity: a judgement word's VADER valence at or below this is negative enough.
NEGATIVE_VALENCE = -1.5

# Negativity: a sentence the learned blame model (coach/learned) is at least this sure of makes
# the answer negative, besides what the rules find. Chosen by `python bench/blame_threshold.py`:
# on our corpus with each register left out of training, over the registers not enriched for
# blame, for F0.5 (a false "speaks badly of others" accuses the candidate). On the corpus of
# 2,003 answers (blame C=1.0): rules alone F0.5 0.45; with the model at 0.7, 0.67; 0.8, 0.69;
# 0.85, 0.70 (the best); 0.9, 0.70; 0.95, 0.67. Re-run it after retraining: the model's C moves
# its probabilities (at C=0.1 the best was 0.6-0.7).
CONFIDENT_BLAME = 0.85


@dataclass(frozen=True)
class Limits:
    """The limits a user may set in the configuration; the defaults are the ones above."""

    words_per_minute: int = WORDS_PER_MINUTE
    max_speaking_seconds: int = MAX_SPEAKING_SECONDS
    min_answer_words: int = MIN_ANSWER_WORDS

    @property
    def max_words(self) -> int:
        return self.max_speaking_seconds * self.words_per_minute // 60

    def speaking_seconds(self, words: int) -> float:
        return round(words * 60 / self.words_per_minute, 1)


DEFAULT_LIMITS = Limits()
