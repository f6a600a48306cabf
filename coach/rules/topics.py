"""Is a sentence about work at all? Off-topic detection shared by the checks.

An interview answer that drifts into weekends, recipes, pets or family has wandered off
the question, however short it is. A sentence counts as personal when it names
private-life topics and nothing from working or studying life. Which words are which is data
(coach/data/checks/off-topic.yaml, a group per family of words, each saying why).
"""

from __future__ import annotations

from functools import cache

from coach.checks.base import entries
from coach.rules.text import Sentence

# The off-topic check owns the vocabulary: its data file is named by the check's id.
CHECK_ID = "off-topic"


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset(entries(CHECK_ID, name))


def is_personal(sentence: Sentence) -> bool:
    words = set(sentence.words)
    return bool(words & _words("personal")) and not (words & _words("work"))


def off_topic_share(sentences: list[Sentence]) -> float:
    if not sentences:
        return 0.0
    return sum(1 for s in sentences if is_personal(s)) / len(sentences)
