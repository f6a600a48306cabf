"""Thank-you emails and questions to ask (issue 12 §5): checks with evidence, a score of their
own, in every format, in a batch that mixes them with answers."""

from __future__ import annotations

import json

import pytest

from coach.models import Answer
from coach.rules.kinds import critique
from tests.conftest import EXAMPLES

GOOD_EMAIL = (EXAMPLES / "thank-you.md").read_text(encoding="utf-8").split("---\n", 2)[2]
GOOD_QUESTIONS = (EXAMPLES / "questions-to-ask.md").read_text(encoding="utf-8").split("---\n", 2)[2]


def _checks(c) -> list[str]:
    return [f.message for f in c.findings]


def _faults(c) -> list[str]:
    return [f.message for f in c.findings if f.severity != "info"]


def test_a_good_thank_you_email_scores_well_and_quotes_what_works():
    c = critique(Answer(text=GOOD_EMAIL, kind="thank-you"))
    assert c.kind == "thank-you" and c.score >= 80 and not _faults(c)
    assert any("Thank you for taking the time" in s for s in c.strengths)
    thanks = next(f for f in c.findings if f.message == "Thanks the interviewer.")
    assert thanks.span.text.startswith("Thank you for taking the time")


def test_a_thank_you_that_pleads_and_forgets_the_interview_is_marked_down_with_evidence():
    text = "Thanks for the interview. Please give me a chance, I really need this job."
    c = critique(Answer(text=text, kind="thank-you"))
    pleading = next(f for f in c.findings if f.message == "Pleads for the job.")
    assert pleading.severity == "problem" and pleading.span.text == "Please give me a chance, I really need this job."
    assert "Nothing from the interview itself is recalled." in _checks(c) and "No sign-off." in _checks(c)
    assert c.score <= 45


def test_a_thank_you_sent_days_later_is_flagged_only_when_the_date_is_known():
    late = critique(Answer(text=GOOD_EMAIL, kind="thank-you", hours_since_interview=72))
    assert any("72 hours after the interview" in m for m in _checks(late))
    assert not _faults(critique(Answer(text=GOOD_EMAIL, kind="thank-you", hours_since_interview=5)))


def test_a_long_thank_you_loses_concision():
    c = critique(Answer(text=GOOD_EMAIL + (" I also want to add how much I admire the ward." * 30), kind="thank-you"))
    assert c.ratings["concision"] < 5 and any("longer than a thank-you needs" in m for m in _checks(c))


def test_a_good_set_of_questions_scores_well():
    c = critique(Answer(text=GOOD_QUESTIONS, kind="questions"))
    assert c.score >= 80 and c.ratings["count"] == 5 and c.ratings["open"] == 5


def test_pay_first_and_yes_no_questions_are_flagged_at_their_question():
    text = "- Do you offer remote work?\n- How much is the salary?\n- What does success look like in the first six months?"
    c = critique(Answer(text=text, kind="questions"))
    first = next(f for f in c.findings if f.severity == "problem")
    assert first.span.text == "- Do you offer remote work?" and "come first" in first.message
    assert any(f.message.startswith("A yes/no question") and "remote" in f.span.text for f in c.findings)
    assert c.score <= 45


@pytest.mark.parametrize("text", ["No, I think you covered everything, thanks.", "Not really."])
def test_no_questions_is_a_problem(text):
    c = critique(Answer(text=text, kind="questions"))
    assert c.findings[0].message == "No questions to ask the interviewers." and c.score < 35


def test_a_batch_mixes_kinds_from_front_matter_and_a_kind_column(coach, tmp_path):
    rows = tmp_path / "cohort.jsonl"
    rows.write_text("\n".join(json.dumps(r) for r in [
        {"id": "e1", "kind": "thank-you", "answer": GOOD_EMAIL},
        {"id": "q1", "kind": "questions", "answer": GOOD_QUESTIONS},
        {"id": "x1", "kind": "poem", "answer": "Roses are red."},
    ]) + "\n", encoding="utf-8")
    ran = coach("critique", "--offline", "--format", "json", str(rows), str(EXAMPLES / "strong-star.md"))
    results = json.loads(ran.out)
    assert [r.get("kind") for r in results] == ["thank-you", "questions", None, "answer"]
    assert "kind 'poem' is not one of answer, thank-you, questions" in results[2]["error"]
    assert ran.code == 1


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "html", "jsonl"])
def test_every_format_renders_a_thank_you_email(coach, fmt):
    ran = coach("critique", "--offline", "--format", fmt, str(EXAMPLES / "thank-you.md"))
    assert ran.code == 0, ran.err
    assert "Traceback" not in ran.err and ran.out.strip()


def test_the_llm_engine_sends_other_kinds_too_and_falls_back_to_these_rules_saying_why(coach, monkeypatch):
    # The LLM engine for kinds: tests/test_llm_kinds.py. An unreachable endpoint: these rules, labelled.
    from coach.engine import GradeOptions, Grader

    notes = []
    grader = Grader(GradeOptions(max_retries=0), environ={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, notify=notes.append)
    first = grader.grade(Answer(text=GOOD_EMAIL, kind="thank-you"))
    grader.grade(Answer(text=GOOD_QUESTIONS, kind="questions"))
    grader.finish()
    assert first.engine == "offline" and "cannot connect" in first.fallback_reason
    assert first.score == critique(Answer(text=GOOD_EMAIL, kind="thank-you")).score
    assert not any("coach's own checks" in n for n in notes)


def test_a_numbered_list_counts_each_line_as_a_question():
    text = "1. What does a good first month look like in this team?\n2. Which of the team's projects is most at risk this year\n3. How is success measured here?"
    c = critique(Answer(text=text, kind="questions"))
    assert c.ratings["count"] == 5
