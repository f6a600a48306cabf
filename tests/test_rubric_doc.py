"""docs/rubric.md quotes the thresholds the offline engine uses: its table is held to
coach/rules/thresholds.py and the checks' data files, and every threshold is in it."""

from __future__ import annotations

import re
from fractions import Fraction

from coach.checks.base import vocabulary
from coach.rules import rubric
from coach.rules import thresholds as t
from tests.conftest import REPO

DOC = (REPO / "docs" / "rubric.md").read_text(encoding="utf-8")


def _rows() -> dict[str, str]:
    """The Thresholds table: its first column (names) -> its second (values)."""
    table = DOC.split("## Thresholds", 1)[1].split("\n## ", 1)[0]
    return {cells[1].strip(): cells[2].strip() for line in table.splitlines() if (cells := line.split("|"))[1:] and "`" in line}


def _percent(share: float) -> str:
    return f"{share * 100:g} %"


def _data(check_id: str, name: str):
    return vocabulary(check_id)["limits"][name]


EXPECTED = {
    "`WORDS_PER_MINUTE`": f"{t.WORDS_PER_MINUTE}",
    "`MAX_SPEAKING_SECONDS` / `MAX_WORDS`": f"{t.MAX_SPEAKING_SECONDS} s / {t.MAX_WORDS} words",
    "`LONG_SENTENCE_WORDS`": f"{t.LONG_SENTENCE_WORDS}",
    "`MIN_FILLERS_FLAGGED`, `MAX_FILLER_DENSITY`":
        f"{t.MIN_FILLERS_FLAGGED} fillers and ≥ 1 in {round(1 / t.MAX_FILLER_DENSITY)} words ({t.MAX_FILLER_DENSITY * 100:.1f} %)",
    "`REPEATED_PHRASE_MIN_COUNT`, `REPEATED_PHRASE_WORDS`": f"{t.REPEATED_PHRASE_MIN_COUNT} times, {t.REPEATED_PHRASE_WORDS} content words",
    "`OFF_TOPIC_SHARE`": f"{_percent(t.OFF_TOPIC_SHARE)} of sentences",
    "`MIN_ANSWER_WORDS`": f"{t.MIN_ANSWER_WORDS}",
    "`NEGATIVE_VALENCE`": f"{t.NEGATIVE_VALENCE}".replace("-", "−") + " (VADER)",
    "negativity `mild_share`": f"{Fraction(str(_data('negativity', 'mild_share')))} of sentences",
    "negativity `role_target_window`, `pronoun_target_window`":
        f"{_data('negativity', 'role_target_window')} words, {_data('negativity', 'pronoun_target_window')} words",
    "hedging `reported`": f"{_data('hedging', 'reported')} hedges",
    "`CONFIDENT_BLAME`": f"{t.CONFIDENT_BLAME}",
}


def test_the_thresholds_table_quotes_the_values_in_force():
    rows = _rows()
    assert {name: rows.get(name) for name in EXPECTED} == EXPECTED


def test_every_threshold_and_data_limit_is_in_the_table():
    documented = " ".join(_rows())
    constants = [name for name, value in vars(t).items() if name.isupper() and isinstance(value, (int, float))]
    limits = [name for path in (REPO / "coach" / "data" / "checks").glob("*.yaml")
              for name in vocabulary(path.stem).get("limits", {})]
    assert [name for name in constants + limits if f"`{name}`" not in documented] == []


def test_the_caps_quoted_are_the_rubrics():
    caps = re.search(r"under (\d+) words scores at most\s+\*\*(\d+)\*\*; one that speaks badly of others at most \*\*(\d+)\*\*; "
                     r"one that tries to steer the grader at\s+most \*\*(\d+)\*\*", DOC)
    assert caps and tuple(map(int, caps.groups())) == (t.MIN_ANSWER_WORDS, rubric.CAP_NO_ANSWER, rubric.CAP_NEGATIVE, rubric.CAP_INJECTION)
