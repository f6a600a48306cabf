"""coach practice, progress and compare (issue 12 §3-4), through stdin and a temporary data folder."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES

STORY = ("Last spring two of the fitters on my shift argued about the van rota. I sat them down and we wrote "
         "a fair rota on the whiteboard. The arguing stopped within a week.")


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"  # conftest's isolated_env points COACH_DATA_DIR here


def test_practice_asks_a_bank_question_grades_the_answer_and_records_it(coach, data_dir):
    ran = coach("practice", "--role", "project manager", "--type", "story", "--offline", stdin=STORY)
    assert ran.code == 0, ran.err
    asked = next(line for line in ran.err.splitlines() if line.startswith("Question: "))[len("Question: "):]
    assert f"Q: {asked}" in ran.out and "score" in ran.out
    from coach.second_round.history import History

    with History(data_dir) as history:
        (attempt,) = history.attempts()
    assert attempt.question == asked and attempt.answer == STORY and attempt.question_id
    assert attempt.ratings["action"] >= 3


def test_practice_does_not_ask_a_question_practised_recently(coach):
    asked = []
    for _ in range(3):
        ran = coach("practice", "--role", "nurse", "--type", "weakness", "--offline", stdin="I take on too much; I now keep a written list.")
        asked.append(next(line for line in ran.err.splitlines() if line.startswith("Question: ")))
    assert len(set(asked)) == 3


def test_practice_with_a_question_of_ones_own_and_no_answer_records_nothing(coach, data_dir):
    ran = coach("practice", "--question", "Why should we hire you?", "--offline", stdin="   \n")
    assert ran.code == 2 and "no answer given" in ran.err
    progress = coach("progress", "--format", "json")
    assert json.loads(progress.out)["attempts"] == 0


def test_progress_shows_scores_over_time_and_names_the_weakest_criterion(coach):
    coach("practice", "--question", "Tell me about a conflict at work.", "--offline", stdin="I am a hard worker and I get on with people.")
    coach("practice", "--question", "Tell me about a conflict at work.", "--offline", stdin=STORY)
    ran = coach("progress", "--format", "json")
    payload = json.loads(ran.out)
    assert payload["attempts"] == 2
    (question,) = payload["questions"]
    assert question["question"] == "Tell me about a conflict at work." and question["last"] > question["first"]
    latest = {name: values["latest"] for name, values in payload["criteria"].items()}
    assert payload["weakest"] == min(latest, key=lambda name: (latest[name], name))
    text = coach("progress").out
    assert f"Weakest now: {payload['weakest']}" in text and "2 attempts over 1 question" in text


def test_compare_sets_two_drafts_side_by_side(coach):
    ran = coach("compare", str(EXAMPLES / "vague-we.txt"), str(EXAMPLES / "strong-star.md"), "--offline", "--format", "json")
    assert ran.code == 0, ran.err
    payload = json.loads(ran.out)
    assert payload["score"]["new"] > payload["score"]["old"]
    assert payload["ratings"]["action"]["new"] > payload["ratings"]["action"]["old"]
    fixed = [(f["check"], f["message"]) for f in payload["fixed"]]
    assert ("star", "No clear Task in the answer.") in fixed and len(fixed) == len(set(fixed))
    text = coach("compare", str(EXAMPLES / "vague-we.txt"), str(EXAMPLES / "strong-star.md"), "--offline").out
    assert text.startswith(f"score {payload['score']['old']} → {payload['score']['new']}") and "Fixed" in text


def test_compare_refuses_a_missing_draft_in_one_line(coach, tmp_path):
    ran = coach("compare", str(tmp_path / "nope.txt"), str(EXAMPLES / "strong-star.md"), "--offline")
    assert ran.code == 2 and ran.err.count("\n") == 1 and "no such file" in ran.err


def test_progress_as_html_is_one_page_with_a_point_per_attempt(coach, tmp_path):
    for text in ("I am a hard worker.", STORY, STORY + " My manager asked me to share the rota with the other depots."):
        coach("practice", "--question", "Tell me about a conflict at work.", "--offline", stdin=text)
    out = tmp_path / "progress.html"
    ran = coach("progress", "--format", "html", "-o", str(out))
    assert ran.code == 0 and f"wrote {out}" in ran.err
    page = out.read_text(encoding="utf-8")
    assert page.count('<circle class="point"') == 3 and 'id="weakest"' in page
    assert "default-src 'none'" in page and "<script" not in page
