"""The question bank and `coach questions` (issue 12 §1)."""

from __future__ import annotations

import json

import pytest
import yaml

from coach.rules.questions import asks_for_story
from coach.second_round import question_bank
from coach.second_round.roles import match
from tests.conftest import REPO

ROLES = yaml.safe_load((REPO / "prompts" / "roles.yaml").read_text(encoding="utf-8"))


def test_every_role_has_its_own_bank_of_at_least_twelve_questions_of_known_types():
    types, banks = question_bank.bank()
    for role in ROLES:
        if role != "general":
            assert len(banks[role]) >= 12, role
    assert len(banks["general"]) >= 12 and banks["second round"]
    ids = [q.id for questions in banks.values() for q in questions]
    assert len(ids) == len(set(ids))
    for q in (q for questions in banks.values() for q in questions):
        assert q.type in types, q.id
        assert q.focus and q.strong, q.id


def test_story_questions_ask_for_a_story_and_the_others_do_not():
    """The bank's type and the engine's own reading of a question agree."""
    _, banks = question_bank.bank()
    for q in (q for questions in banks.values() for q in questions):
        assert asks_for_story(q.text) == (q.type == "story"), (q.id, q.text)


@pytest.mark.parametrize("given,expected", [
    ("senior software engineer", "software engineer"),
    ("Backend Developer", "software engineer"),
    ("sales rep", "sales representative"),
    ("customer service representative", "customer service"),
    ("HR business partner", "human resources"),
    ("junior accountant", "financial analyst"),
])
def test_a_role_in_other_words_finds_its_bank(given, expected):
    assert match(given, ROLES) == (expected, True)


@pytest.mark.parametrize("given", ["mechanical engineer", "civil engineer", "engineer", "registered nurse", "electrician", ""])
def test_a_role_of_another_field_is_not_matched_to_one_that_shares_a_word(given):
    assert match(given, ROLES) == ("general", False)


def test_questions_for_a_role_start_with_its_own_bank(coach):
    ran = coach("questions", "--role", "sales manager", "--format", "json")
    assert ran.code == 0 and ran.err == ""
    payload = json.loads(ran.out)
    assert payload["role"] == "sales representative" and payload["matched"]
    banks = [q["bank"] for q in payload["questions"]]
    assert banks[0] == "sales representative" and set(banks) == {"sales representative", "general", "second round"}


def test_an_unknown_role_gets_the_general_questions_and_is_told_so(coach):
    ran = coach("questions", "--role", "mechanical engineer", "--type", "weakness")
    assert ran.code == 0
    assert "no question bank for the role 'mechanical engineer'" in ran.err
    assert "software" not in ran.out.lower()
    assert "Interview questions: general" in ran.out


def test_type_filters_and_a_wrong_type_is_a_usage_error(coach):
    ran = coach("questions", "--type", "questions_for_us", "--format", "markdown")
    assert ran.code == 0 and ran.out.startswith("# Interview questions")
    assert ran.out.count("- **") == len(question_bank.select(None, "questions_for_us").questions) >= 2
    bad = coach("questions", "--type", "riddle")
    assert bad.code == 2 and bad.err.count("\n") == 1 and "not a question type" in bad.err


def test_the_type_a_questions_phrasing_claims_is_the_banks_own():
    """question_type is read off the interviewer's phrasing; where it claims a non-story type,
    the bank (written apart) agrees."""
    from coach.rules.questions import question_type

    _, banks = question_bank.bank()
    claims = [(q.type, question_type(q.text)) for questions in banks.values() for q in questions]
    claimed = [(truth, said) for truth, said in claims if said not in ("other", "story")]
    assert len(claimed) >= 20  # it claims a quarter of the bank's non-story questions, and says "other" of the rest
    assert sum(truth == said for truth, said in claimed) >= 0.95 * len(claimed)


def test_the_llm_prompt_says_what_the_question_asks_for(coach, tmp_path):
    answer = tmp_path / "weakness.md"
    answer.write_text("---\nquestion: What's your biggest weakness?\n---\nI over-prepare; now I time-box my prep to one hour.\n",
                      encoding="utf-8")
    ran = coach("critique", "--dry-run", str(answer))
    user = json.loads(ran.out)["messages"][1]["content"]
    assert "Kind of question: Weakness." in user and "without a disguised boast" in user
    story = coach("critique", "--dry-run", "-q", "Tell me about a time you failed.", str(answer))
    assert "Kind of question: Behavioural story." in json.loads(story.out)["messages"][1]["content"]


@pytest.mark.parametrize("question,story", [
    ("Tell me about a shipment that arrived late.", True),  # an instance: the indefinite article
    ("Talk us through a refund you refused.", True),
    ("Tell me about handling a walk-out at the bar.", True),  # a gerund: something done
    ("A menu you redesigned?", True),  # a thing the candidate did, in the past
    ("The toughest audit you've prepared for?", True),
    ("Tell me about your current role.", False),  # "your": a description
    ("How would you calm an angry caller?", False),  # a hypothetical
    ("Describe the strictest supervisor you've had.", False),  # a person, not an episode
    ("Tell me about a weakness you are working on.", False),  # the type's own phrasing decides
    ("Tell me about a time a weakness cost you.", True),  # ...unless it asks for a time
])
def test_a_question_asks_for_a_story_by_its_shape_not_its_nouns(question, story):
    assert asks_for_story(question) is story


def test_the_corpus_questions_are_read_as_their_labels_say():
    """The training corpus labels each question's type: the engine's reading of "story" agrees."""
    pairs = {
        (row["question"], row["question_type"] == "story")
        for path in (REPO / "training" / "answers").glob("*/*.jsonl")
        for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        if row.get("question")
    }
    read = [(asks_for_story(question), story) for question, story in pairs]
    found = sum(said and truth for said, truth in read)
    assert found / sum(said for said, _ in read) >= 0.98  # precision
    assert found / sum(truth for _, truth in read) >= 0.98  # recall
