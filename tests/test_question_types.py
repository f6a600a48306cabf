"""Question-type-aware judging (issue 12 §2): why leaving, a failure or mistake, tell me about
yourself. The example answers are written in words of their own, not the cue lists'
(coach/data/kinds.yaml): a rule passes them by the class of wording it knows, and the
look-alikes must stay unflagged."""

from __future__ import annotations

import json

import pytest

from coach.checks import question_types
from coach.cli import run
from coach.models import Answer
from coach.rules import offline
from tests.conftest import REPO

LEAVING = "Why are you leaving your current job?"
LEFT = "Why did you leave your last position?"
MISTAKE = "Tell me about a mistake you made at work."
FAILED = "What has been your biggest failure so far?"
ABOUT = "Tell me about yourself."


def relevance(text: str, question: str) -> list:
    """Whether the answer answers its question: the dodge check's findings and the question type's."""
    critique = offline.critique(Answer(text=text, question=question))
    return [f for f in critique.findings if f.check in ("relevance", "question-type")]


def severities(findings) -> set[str]:
    return {f.severity for f in findings}


def messages(findings, severity: str) -> list[str]:
    return [f.message for f in findings if f.severity == severity]


# --- which rubric a question gets -------------------------------------------------------------


@pytest.mark.parametrize("question,expected", [
    (LEAVING, "why_leaving"),
    ("What's making you want to leave your current sales role?", "why_leaving"),
    (MISTAKE, "failure"),
    (FAILED, "failure"),
    ("Tell me about a time something you were responsible for failed. What would you do differently now?", "failure"),
    # Look-alike: something went wrong, not necessarily anyone's mistake.
    ("Walk me through a month end or reporting deadline that went wrong. What did you do?", "story"),
    (ABOUT, "about_yourself"),
    ("Take me through your background and how you got to where you are now.", "about_yourself"),
    # Look-alikes: a story that is not about a failure, a weakness, no question at all.
    ("Tell me about a time you missed a deadline.", "story"),
    ("Tell me about a time you led a team through a change.", "story"),
    ("What is your greatest weakness?", "weakness"),
    (None, None),
])
def test_the_rubric_follows_the_question(question, expected):
    assert question_types.judged_type(question) == expected


# --- why leaving ------------------------------------------------------------------------------

LEAVING_FORWARD = [
    ("After six years on the same warehouse floor I'd like to run a site of my own, and the "
     "regional lead post you advertised is that kind of step.", LEAVING),
    ("I have enjoyed four years at the clinic. What I'm after now is more responsibility for how "
     "patient scheduling works, and this position would give me exactly that.", LEAVING),
    ("I left because I wanted to move from support into product work, and a start-up offered me "
     "the chance to do it with a small team.", LEFT),
    ("My contract at the council ended in June. Since then I've been hoping to find a permanent "
     "post where I can build on the data work I did there.", LEFT),
    # Look-alike: a restructure named neutrally is not a complaint.
    ("My manager and I agreed that the restructure would move my team to another site, so I am "
     "keen to find a role with more hands-on engineering closer to home.", LEAVING),
]


@pytest.mark.parametrize("text,question", LEAVING_FORWARD)
def test_a_forward_looking_reason_is_credited_and_not_flagged(text, question):
    found = relevance(text, question)
    assert severities(found) == {"info"}, [f.message for f in found]
    (credit,) = found
    assert credit.span is not None and credit.span.text in text


LEAVING_BACKWARD = [
    "The office relocated to the other side of the city and my commute doubled, so in May I "
    "handed in my notice after three years there.",
    "There was no room to grow at the shop, and after eight years behind the same counter it "
    "simply felt like time for a change.",
    "The firm was bought by a larger group last year and most of my department has since been "
    "merged into head office, which is where things stand.",
    # Look-alike: the wanting is negated ("not looking for a bigger…"), so nothing points forward.
    "I'm not looking for a bigger title or anything like that; after five years of night shifts I "
    "just need to get away from the rota.",
]


@pytest.mark.parametrize("text", LEAVING_BACKWARD)
def test_an_answer_that_only_says_what_it_leaves_is_told_what_to_add(text):
    found = relevance(text, LEAVING)
    (warning,) = [f for f in found if f.severity == "warning"]
    assert "moving toward" in warning.message and warning.span is None
    assert "this role" in warning.suggestion
    assert "info" not in severities(found)


LEAVING_COMPLAINTS = [
    "Honestly my boss was a nightmare and took credit for everything I did in the last two years. "
    "I want to work for someone who treats the people on their team decently.",
    "The management there was clueless and the whole team was lazy, so after eighteen months of "
    "carrying everyone else's work I could not stay any longer.",
]


@pytest.mark.parametrize("text", LEAVING_COMPLAINTS)
def test_a_complaint_as_the_reason_for_leaving_is_a_problem_that_caps_the_score(text):
    critique = offline.critique(Answer(text=text, question=LEAVING))
    (problem,) = [f for f in critique.findings if f.check == "question-type" and f.severity == "problem"]
    assert "complaint" in problem.message
    assert problem.span is not None and problem.span.text == text[problem.span.start:problem.span.end]
    assert critique.score <= 25


def test_a_complaint_to_another_kind_of_question_is_left_to_the_negativity_check():
    text = ("Your company is the only one in town that pays on time, unlike my current boss, who is a "
            "clueless micromanager. I want to grow into a team lead here.")
    critique = offline.critique(Answer(text=text, question="Why do you want to work for us?"))
    assert not [f for f in critique.findings if f.check == "question-type"]
    assert critique.checks.negativity.flagged


# --- failure or mistake -----------------------------------------------------------------------

FAILURE_OWNED = [
    ("I underestimated how long the data migration would take and told the board a month; it "
     "took three. Looking back, I should have piloted it on one region. These days every "
     "migration I plan starts with a pilot before I commit to a date.", FAILED),
    ("My mistake was sending the payroll file without a second check, and 40 people were paid "
     "twice. I told my manager that afternoon and we reversed the payments. It taught me that "
     "no file leaves my desk without a colleague's review.", MISTAKE),
    # Look-alike: others named as facts, the candidate owning the error.
    ("A colleague and I both read the contract, but I was the one who signed it off with the wrong "
     "rate. I rang the client the same day and we reissued it. Ever since, I check every rate "
     "against the price list before signing.", MISTAKE),
]


@pytest.mark.parametrize("text,question", FAILURE_OWNED)
def test_ownership_and_a_lesson_are_credited_with_their_sentences(text, question):
    found = relevance(text, question)
    assert severities(found) == {"info"}, [(f.severity, f.message) for f in found]
    quoted = {f.message: f.span.text for f in found}
    assert set(quoted) == {"Owns what went wrong.", "Names the lesson, or what you do differently since."}
    assert all(quote in text for quote in quoted.values())


FAILURE_BLAMED = [
    "The project failed because the client kept changing the brief and my team lead was too weak "
    "to push back. There was nothing more anyone could have asked of me.",
    "Our release went badly wrong, but that was entirely down to the testers, who signed it off "
    "without running half their checks. I had done everything I was asked.",
]


@pytest.mark.parametrize("text", FAILURE_BLAMED)
def test_a_failure_put_on_others_is_a_problem_pointing_at_the_blame(text):
    critique = offline.critique(Answer(text=text, question=FAILED))
    (problem,) = [f for f in critique.findings if f.check == "question-type" and f.severity == "problem"]
    assert "put on other people" in problem.message and problem.span is not None
    assert critique.score <= 25


def test_an_owned_mistake_without_a_lesson_is_a_warning_not_a_problem():
    text = ("I booked the conference venue for the wrong weekend, and that one was on me entirely. I spent "
            "the next two days phoning every hotel nearby and found a room that took all 80 guests.")
    found = relevance(text, MISTAKE)
    assert messages(found, "warning") == ["No lesson: nothing on what you learned or do differently since."]
    assert "problem" not in severities(found)
    assert messages(found, "info") == ["Owns what went wrong."]


def test_a_failure_told_only_as_we_is_asked_for_the_candidates_own_part():
    text = ("The spring campaign reached half the sign-ups we had planned for. We learned the channel was "
            "wrong for that audience, and the next campaign moved to email and did twice as well.")
    found = relevance(text, FAILED)
    assert messages(found, "warning") == ["You never say what you yourself got wrong."]
    assert "problem" not in severities(found)


def test_a_negated_admission_is_not_ownership():
    text = ("The shipment went out late, but it wasn't my mistake and I had flagged the risk in March. "
            "Since then I copy the whole team on every risk I raise.")
    found = relevance(text, MISTAKE)
    assert "Owns what went wrong." not in messages(found, "info")


def test_a_story_question_about_something_else_gets_no_failure_rubric():
    text = ("Last year I led four engineers through a move to a new build system. I wrote the plan, paired "
            "with each of them for a day, and the nightly build time fell from two hours to twenty minutes.")
    assert relevance(text, "Tell me about a time you led a team through a change.") == []


# --- tell me about yourself -------------------------------------------------------------------

ABOUT_ARCS = [
    "I'm a nurse on a busy surgical ward in Bristol, looking after up to eight patients a shift. I trained "
    "in Cardiff and spent three years on a general medical ward before moving to surgery. I'd like to move "
    "into a specialist wound-care role, which is what this post offers.",
    "At the moment I manage the accounts payable team at a logistics firm, five people and about 2,000 "
    "invoices a month. I got there through an accountancy apprenticeship and four years on the ledgers. "
    "Next I want to work on forecasting, and this role is built around it.",
]


@pytest.mark.parametrize("text", ABOUT_ARCS)
def test_a_present_past_future_arc_is_credited(text):
    found = relevance(text, ABOUT)
    assert severities(found) == {"info"}, [f.message for f in found]
    assert found[0].span.text in text


def test_a_chronological_life_story_with_no_link_to_the_role_is_flagged():
    text = ("I studied chemistry at Leeds. After graduating I spent a year travelling around Asia. Then I taught "
            "English in Spain for two years. I came back and worked in a lab, and later I moved into sales.")
    found = relevance(text, ABOUT)
    warned = messages(found, "warning")
    assert "A life story told in order, with no link to this role." in warned
    assert "No present part: nothing on what you do now." in warned
    assert "No future part: nothing on why this role is your next step." in warned
    story = next(f for f in found if f.message.startswith("A life story"))
    assert story.span is not None and story.span.text in text


def test_an_introduction_with_no_future_is_told_to_end_on_the_role():
    text = ("I'm currently a sous chef at a hotel restaurant, running the pastry section for weddings and events. "
            "Before that I trained at catering college and worked in two bistros in the city centre.")
    found = relevance(text, ABOUT)
    assert messages(found, "warning") == ["No future part: nothing on why this role is your next step."]
    assert "this role" in next(f.suggestion for f in found if f.severity == "warning")


def test_an_introduction_with_no_present_is_told_to_open_with_now():
    text = ("I spent eight years in retail banking and then moved into compliance after a regulator's review. "
            "I'd love to bring that mix of front-line and rules knowledge to this team.")
    found = relevance(text, ABOUT)
    assert messages(found, "warning") == ["No present part: nothing on what you do now."]


def test_an_introduction_far_over_two_and_a_half_minutes_is_flagged_as_too_long():
    arc = ABOUT_ARCS[0]
    padding = " ".join(["On that ward I also learned to plan discharges with the families and the pharmacy team."] * 26)
    found = relevance(f"{arc} {padding}", ABOUT)
    (long,) = [f for f in found if "s spoken" in f.message]
    assert long.severity == "warning"
    assert "info" not in severities(found)  # no credit for an arc buried in a monologue
    assert not [f for f in relevance(arc, ABOUT) if "s spoken" in f.message]


def test_the_type_rubrics_never_cap_a_warning():
    """Only a complaint or blame is a problem; a missing part warns and leaves the score alone."""
    text = LEAVING_BACKWARD[0]
    with_question = offline.critique(Answer(text=text, question=LEAVING))
    assert with_question.score > 40


# --- the LLM prompt ---------------------------------------------------------------------------


def _user_prompt(capsys, question: str, answer_file) -> str:
    code = run(["critique", "--dry-run", "-q", question, str(answer_file)])
    assert code == 0
    return json.loads(capsys.readouterr().out)["messages"][1]["content"]


@pytest.mark.parametrize("question,words", [
    (LEAVING, "forward-looking reason"),
    (MISTAKE, "blame-shifting"),
    (ABOUT, "present-past-future arc"),
    ("What is your greatest weakness?", "strength passed off"),
])
def test_the_llm_prompt_carries_the_types_rubric(capsys, tmp_path, question, words):
    answer = tmp_path / "answer.txt"
    answer.write_text("I have worked in retail for five years and now want to lead a store of my own.\n", encoding="utf-8")
    user = _user_prompt(capsys, question, answer)
    assert "For this kind of question:" in user and words in user


def test_a_plain_story_question_gets_no_type_rubric(capsys, tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text("I rewrote the rota and overtime fell by a third.\n", encoding="utf-8")
    user = _user_prompt(capsys, "Tell me about a time you improved a process.", answer)
    assert "Kind of question: Behavioural story." in user and "For this kind of question:" not in user


def test_credits_are_not_passed_to_the_model_as_warnings(capsys, tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text(LEAVING_FORWARD[0][0] + "\n", encoding="utf-8")
    user = _user_prompt(capsys, LEAVING, answer)
    assert "Says what you are moving toward." not in user


# --- the examples -----------------------------------------------------------------------------


def test_the_failure_example_owns_the_mistake_and_names_the_lesson():
    critique = _example("failure.md")
    credited = {f.message for f in critique.findings if f.check == "question-type" and f.severity == "info"}
    assert credited == {"Owns what went wrong.", "Names the lesson, or what you do differently since."}
    assert not [f for f in critique.findings if f.severity == "problem"]


def test_the_about_yourself_example_is_an_arc_tied_to_the_role():
    critique = _example("about-yourself.md")
    found = [f for f in critique.findings if f.check == "question-type"]
    assert severities(found) == {"info"}, [f.message for f in found]


def _example(name: str):
    from coach.inputs.readers import read_answer

    return offline.critique(read_answer(str(REPO / "examples" / name)))
