"""coach checks and coach explain: every check a finding can name is documented."""

from __future__ import annotations

import pytest

from coach.checks import registry
from coach.rules import offline
from coach.rules.check_docs import docs
from tests.conftest import EXAMPLES


def test_every_registered_check_and_every_finding_id_of_the_examples_is_documented():
    documented = set(docs())
    assert set(registry()) <= documented
    for path in EXAMPLES.iterdir():
        from coach.inputs.readers import read_answer

        critique = offline.critique(read_answer(str(path)))
        assert {f.check for f in critique.findings} <= documented, path.name
    assert {"thank-you", "questions", "llm", "evidence"} <= documented


def test_every_doc_has_what_why_example_and_fix():
    for check_id, doc in docs().items():
        assert set(doc) == {"what", "why", "example", "fix"} and all(v.strip() for v in doc.values()), check_id


@pytest.mark.parametrize("check_id", ["negativity", "relevance", "injection"])
def test_each_documented_example_is_flagged_by_its_check(check_id):
    """An example that its own check does not flag would teach the wrong thing."""
    from coach.rules.text import Document

    assert registry()[check_id].run(Document(docs()[check_id]["example"], "Tell me about a conflict with a colleague.")).flagged


def test_checks_lists_them_and_explain_prints_one(coach):
    listed = coach("checks")
    assert listed.code == 0 and [line.split()[0] for line in listed.out.splitlines()] == list(docs())
    ran = coach("explain", "negativity")
    assert ran.code == 0
    for heading in ("What it looks for", "Why it matters", "Example", "Fix"):
        assert heading in ran.out
    assert docs()["negativity"]["example"] in ran.out


def test_explain_an_unknown_check_is_a_one_line_usage_error(coach):
    ran = coach("explain", "spelling")
    assert ran.code == 2 and ran.err.count("\n") == 1 and "no such check" in ran.err
