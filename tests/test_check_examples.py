"""Every registered check carries example sentences it must flag and must leave alone.

The examples live next to each rule (Check.flags / Check.passes) so whoever changes a rule
sees what it promises; these tests hold the rule to those promises.
"""

from __future__ import annotations

import pytest

from coach.checks import registry
from coach.text import Document

MIN_EXAMPLES = 2
CHECKS = registry()

# Checks whose example tables are known to be too short; strict, so the mark must go
# as soon as the examples are added.
def _examples(kind: str) -> list:
    return [
        pytest.param(check_id, sentence, id=f"{check_id}-{index}")
        for check_id, check in CHECKS.items()
        for index, sentence in enumerate(getattr(check, kind))
    ]


def test_registry_holds_the_checks_the_issue_names():
    assert {"star", "rambling", "negativity", "specificity", "hedging", "injection", "relevance"} <= set(CHECKS)


def test_registry_ids_match_the_checks():
    for check_id, check in CHECKS.items():
        assert check.id == check_id
        assert check.description.strip()


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_every_check_has_enough_examples(check_id):
    check = CHECKS[check_id]
    assert len(check.flags) >= MIN_EXAMPLES, f"{check_id}: fewer than {MIN_EXAMPLES} flag examples"
    assert len(check.passes) >= MIN_EXAMPLES, f"{check_id}: fewer than {MIN_EXAMPLES} pass examples"


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_examples_are_distinct_and_not_both_ways(check_id):
    check = CHECKS[check_id]
    assert len(set(check.flags)) == len(check.flags)
    assert len(set(check.passes)) == len(check.passes)
    assert not set(check.flags) & set(check.passes)


@pytest.mark.parametrize(("check_id", "sentence"), _examples("flags"))
def test_flag_example_is_flagged(check_id, sentence):
    outcome = CHECKS[check_id].run(Document(sentence))
    assert outcome.flagged, f"{check_id} should flag: {sentence!r}"


@pytest.mark.parametrize(("check_id", "sentence"), _examples("passes"))
def test_pass_example_is_not_flagged(check_id, sentence):
    outcome = CHECKS[check_id].run(Document(sentence))
    assert not outcome.flagged, f"{check_id} should not flag: {sentence!r}"


@pytest.mark.parametrize(("check_id", "sentence"), _examples("flags") + _examples("passes"))
def test_example_findings_point_into_the_sentence(check_id, sentence):
    """Evidence of every finding is an exact stretch of the text the check was given."""
    for finding in CHECKS[check_id].run(Document(sentence)).findings:
        assert finding.check
        if finding.span is not None:
            assert sentence[finding.span.start : finding.span.end] == finding.span.text
