"""Main paths that had no test of their own: a tangent into private life, an answer in labelled
STAR form, mild complaints, the reasons a rate limit and a bad key give, --show-mistakes, a
report that cannot be written, a reader that goes away, and a CSV with no rows."""

from __future__ import annotations

import json
import subprocess
import sys

from coach.engine import GradeOptions, Grader
from coach.models import Answer
from coach.rules import offline
from tests.conftest import EXAMPLES, REPO
from tests.openai_server import OpenAIServer, error

STORY = "Tell me about a time you organised something."


def test_an_answer_that_drifts_into_private_life_is_off_topic_rambling():
    text = ("I love my weekends. On Saturdays I bake bread and walk our two dogs by the canal. My parents come for "
            "lunch on Sundays and we cook a big roast. My kids play hockey and I drive them to every match. "
            "At work I answer the phones. We have a cat as well and she sleeps on the printer.")
    critique = offline.critique(Answer(text=text, question="Tell me about a time you showed leadership."))
    assert "off-topic" in critique.checks.rambling.reasons
    assert any(f.check == "off-topic" for f in critique.findings)
    plain = ("Last winter our depot lost its planner in peak week. I took over the routes for nine drivers, rebuilt "
             "the schedule each morning and phoned every late customer myself. We delivered 98 percent on time.")
    assert "off-topic" not in offline.critique(Answer(text=plain, question=STORY)).checks.rambling.reasons


def test_a_few_words_about_private_life_are_too_short_to_ramble():
    critique = offline.critique(Answer(text="My dogs and my garden, mostly.", question="What motivates you?"))
    assert not critique.checks.rambling.flagged
    assert any(f.check == "relevance" and f.severity == "problem" for f in critique.findings)  # too short instead


def test_an_answer_in_labelled_star_form_is_read_by_its_labels():
    text = ("S: Last spring our warehouse lost its night shift lead.\nT: I had to keep orders moving for two weeks.\n"
            "A: I split the shift into two crews and ran the handover myself.\nR: Every order shipped on time and "
            "picking errors fell by a third.\n")
    star = offline.critique(Answer(text=text, question=STORY)).star
    for name, part in star.parts():
        assert part.present and part.why == "labelled as such", name
        assert part.evidence[0].text.lstrip().startswith(name[0].upper() + ":")


def test_one_mild_complaint_in_a_story_is_not_negativity_but_complaints_that_dominate_are():
    story = ("Last spring I ran the stock take for our shop of twelve staff. I split the store into six zones and gave "
             "each pair a zone. I checked every count against the till report myself. We finished in one night instead "
             "of two. I was underpaid there, but I learned a lot. The next count went even faster.")
    assert not offline.critique(Answer(text=story, question=STORY)).checks.negativity.flagged
    complaints = "My last job underpaid everyone. They never paid overtime. I was underpaid for two years."
    leaving = offline.critique(Answer(text=complaints, question="Why are you leaving?"))
    assert leaving.checks.negativity.flagged and leaving.ratings["tone"] == 1


def _fallback_reason(status: int, message: str) -> str:
    with OpenAIServer(default=lambda body: error(status, message, retry_after=0.01)) as server:
        grader = Grader(GradeOptions(max_retries=1), environ={"OPENAI_BASE_URL": server.url})
        critique = grader.grade(Answer(text="I rebuilt the rota and overtime fell by a third.", question=STORY))
    assert critique.engine == "offline"
    return critique.fallback_reason or ""


def test_a_rate_limit_and_a_bad_key_say_so_in_the_fallback_reason():
    limited = _fallback_reason(429, "Rate limit reached for requests")
    assert "429" in limited and "rate limit" in limited.lower()
    refused = _fallback_reason(401, "Incorrect API key provided")
    assert "401" in refused and "key" in refused.lower()


def test_show_mistakes_names_each_answer_and_label_it_got_wrong(coach, tmp_path):
    rows = [
        {"id": "vague", "answer": "We had a meeting and things went fine.", "question": "Tell me about a time you led a project.",
         "labels": {"situation": True, "action": True}},
        {"id": "clear", "answer": "Last March our ward lost two nurses. I rewrote the rota and covered three nights myself. "
                                  "Overtime fell by a third.", "question": STORY, "labels": {"situation": True, "action": True}},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    ran = coach("eval", str(path), "--show-mistakes")
    assert ran.code == 0
    mistakes = ran.out.split("mistakes:", 1)[1].split()
    assert "vague:" in mistakes and "clear:" not in mistakes
    assert "mistakes:" not in coach("eval", str(path)).out


def test_a_report_that_cannot_be_written_is_one_line_and_touches_nothing(coach, tmp_path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("keep me\n", encoding="utf-8")
    for name in ("report.json", "report.jsonl"):
        ran = coach("critique", str(EXAMPLES), "--offline", "-o", str(not_a_folder / name))
        assert ran.code == 2 and ran.out == ""
        assert ran.err.strip().endswith("cannot write (Not a directory)") and "Traceback" not in ran.err
    assert not_a_folder.read_text(encoding="utf-8") == "keep me\n"


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path):
    """`coach critique cohort.jsonl | head -1`: the pipe closes after one line, with far more
    output to come than a pipe holds."""
    from tests.synthetic_answers import write_jsonl

    cohort = tmp_path / "cohort.jsonl"
    write_jsonl(cohort, 400)
    child = subprocess.Popen([sys.executable, "-m", "coach", "critique", str(cohort), "--offline", "--format", "jsonl"],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={"PYTHONPATH": str(REPO), "PATH": "", "COACH_CACHE_DIR": str(tmp_path / "c")})
    child.stdout.readline()
    child.stdout.close()
    err = child.stderr.read().decode()
    child.wait(timeout=60)
    assert "Traceback" not in err and "Error" not in err
    assert child.returncode == 1  # the run did not finish: not a success


def test_a_csv_with_a_header_and_no_rows_is_one_error_entry(coach, tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_text("answer,question\n", encoding="utf-8")
    ran = coach("critique", str(path), "--offline", "--format", "jsonl")
    assert ran.code == 1
    (entry,) = [json.loads(line) for line in ran.out.splitlines()]
    assert "no answers in the file" in entry["error"]
    assert "Traceback" not in ran.err and ran.err.count("no answers in the file") == 1
