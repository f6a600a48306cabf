"""Every registered check carries example sentences it must flag and must leave alone.

The examples live next to each rule (Check.must_flag / Check.must_pass) so whoever changes a rule
sees what it promises; these tests hold the rule to those promises. An example is a text, or
(text, question) for a check that judges an answer by its question.
"""

from __future__ import annotations

import pytest

from coach.checks import registry
from coach.rules.text import Document

MIN_EXAMPLES = 2
CHECKS = registry()

def _examples(kind: str) -> list:
    return [
        pytest.param(check_id, sentence, id=f"{check_id}-{index}")
        for check_id, check in CHECKS.items()
        for index, sentence in enumerate(getattr(check, kind))
    ]


def document(example) -> Document:
    text, question = (example, None) if isinstance(example, str) else example
    return Document(text, question)


def text_of(example) -> str:
    return example if isinstance(example, str) else example[0]


def test_every_check_is_described():
    assert all(check.description.strip() for check in CHECKS.values())


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_every_check_has_enough_examples(check_id):
    check = CHECKS[check_id]
    assert len(check.must_flag) >= MIN_EXAMPLES, f"{check_id}: fewer than {MIN_EXAMPLES} flag examples"
    assert len(check.must_pass) >= MIN_EXAMPLES, f"{check_id}: fewer than {MIN_EXAMPLES} pass examples"


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_examples_are_distinct_and_not_both_ways(check_id):
    check = CHECKS[check_id]
    assert len(set(check.must_flag)) == len(check.must_flag)
    assert len(set(check.must_pass)) == len(check.must_pass)
    assert not set(check.must_flag) & set(check.must_pass)


@pytest.mark.parametrize(("check_id", "sentence"), _examples("must_flag"))
def test_flag_example_is_flagged(check_id, sentence):
    outcome = CHECKS[check_id].run(document(sentence))
    assert outcome.flagged, f"{check_id} should flag: {sentence!r}"


@pytest.mark.parametrize(("check_id", "sentence"), _examples("must_pass"))
def test_pass_example_is_not_flagged(check_id, sentence):
    outcome = CHECKS[check_id].run(document(sentence))
    assert not outcome.flagged, f"{check_id} should not flag: {sentence!r}"


@pytest.mark.parametrize(("check_id", "sentence"), _examples("must_flag") + _examples("must_pass"))
def test_example_findings_point_into_the_sentence(check_id, sentence):
    """Evidence of every finding is an exact stretch of the text the check was given."""
    for finding in CHECKS[check_id].run(document(sentence)).findings:
        assert finding.check == check_id
        if finding.span is not None:
            assert text_of(sentence)[finding.span.start : finding.span.end] == finding.span.text
