"""The command line as a user runs it: output, colour, exit codes, batches and `coach eval`."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from coach.models import Answer
from coach.rules import offline
from tests.conftest import EXAMPLES, REPO, run_coach_child

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
ANSI = re.compile(r"\x1b\[")
STRONG = str(EXAMPLES / "strong-star.md")
VAGUE = str(EXAMPLES / "vague-we.txt")
NEGATIVE = str(EXAMPLES / "negative-boss.txt")


def _score(run_coach, path: str) -> int:
    result = run_coach("critique", "--format", "json", path)
    assert result.returncode == EXIT_OK, result.stderr
    return json.loads(result.stdout)["score"]


# --- text output ----------------------------------------------------------------------------


def test_text_output_has_score_star_table_evidence_suggestions_and_verdict(run_coach):
    result = run_coach("critique", VAGUE)
    assert result.returncode == EXIT_OK, result.stderr
    out = result.stdout
    payload = json.loads(run_coach("critique", "--format", "json", VAGUE).stdout)
    assert f"{payload['score']}/100" in out
    assert "STAR" in out
    for part in ("Situation", "Task", "Action", "Result"):
        assert re.search(rf"^\s+{part}\b", out, re.MULTILINE), part
    # Evidence is quoted from the candidate's own words.
    assert '"At my last job we had a big project with a lot of moving parts."' in out
    assert "Suggestions" in out
    for suggestion in payload["suggestions"]:
        assert suggestion in out
    assert re.search(r"^Verdict: \S", out, re.MULTILINE)


def test_text_output_quotes_the_negative_sentence(run_coach):
    out = run_coach("critique", NEGATIVE).stdout
    assert "negativity" in out
    assert "He was incompetent and took credit for everything our team did" in out


def test_text_output_shows_question_from_front_matter(run_coach):
    out = run_coach("critique", str(EXAMPLES / "no-result.md")).stdout
    assert "Describe a time you had to learn something quickly." in out


def test_question_and_role_flags_reach_the_output(run_coach):
    result = run_coach("critique", "--format", "json", "--question", "Why us?", "--role", "barista", VAGUE)
    payload = json.loads(result.stdout)
    assert (payload["question"], payload["role"]) == ("Why us?", "barista")


def test_non_tty_output_has_no_colour(run_coach):
    result = run_coach("critique", STRONG)
    assert result.returncode == EXIT_OK
    assert not ANSI.search(result.stdout + result.stderr)


def _run_in_terminal(*args: str, env_extra: dict) -> str:
    """Run coach with stdout on a pseudo-terminal, as in an interactive shell."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(PYTHONPATH=str(REPO), **env_extra)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", *args], stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, env=env, cwd=REPO
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert process.wait(timeout=60) == EXIT_OK
    return b"".join(chunks).decode("utf-8", "replace")


def test_terminal_output_is_coloured():
    """The other half of the NO_COLOR test: without it a terminal does get colour."""
    assert ANSI.search(_run_in_terminal("critique", STRONG, env_extra={}))


@pytest.mark.parametrize("value", ["1", "yes"])
def test_no_color_turns_colour_off_in_a_terminal(value):
    out = _run_in_terminal("critique", STRONG, env_extra={"NO_COLOR": value})
    assert "score" in out
    assert not ANSI.search(out)


# --- JSON -----------------------------------------------------------------------------------


def test_json_is_one_object_for_one_answer(run_coach):
    payload = json.loads(run_coach("critique", "--format", "json", STRONG).stdout)
    assert isinstance(payload, dict)
    assert payload["source"].startswith(STRONG)


def test_json_is_one_object_for_stdin(run_coach):
    text = (EXAMPLES / "vague-we.txt").read_text(encoding="utf-8")
    payload = json.loads(run_coach("critique", "--format", "json", "-", stdin=text).stdout)
    assert isinstance(payload, dict) and payload["source"] == "-"


def test_json_is_a_list_for_several_answers(run_coach):
    result = run_coach("critique", "--format", "json", STRONG, VAGUE)
    payload = json.loads(result.stdout)
    assert isinstance(payload, list) and len(payload) == 2
    assert payload[0]["source"].startswith(STRONG) and payload[1]["source"] == VAGUE


def test_json_is_a_list_for_a_folder_even_with_one_answer(run_coach, tmp_path):
    (tmp_path / "only.txt").write_text((EXAMPLES / "vague-we.txt").read_text(encoding="utf-8"), encoding="utf-8")
    payload = json.loads(run_coach("critique", "--format", "json", str(tmp_path)).stdout)
    assert isinstance(payload, list) and len(payload) == 1


def test_json_is_the_same_as_the_engine_gives(run_coach):
    """The CLI adds nothing and loses nothing between the engine and the JSON."""
    text = (EXAMPLES / "vague-we.txt").read_text(encoding="utf-8").strip("\r\n")
    expected = offline.critique(Answer(text=text, source=VAGUE)).model_dump(mode="json")
    payload = json.loads(run_coach("critique", "--offline", "--format", "json", VAGUE).stdout)
    # Whether it came from the cache is the one thing the engine alone cannot know.
    payload.pop("cached", None), expected.pop("cached", None)
    assert payload == expected


# --- batches --------------------------------------------------------------------------------


def test_one_bad_file_does_not_lose_the_others(run_coach, tmp_path):
    missing = str(tmp_path / "missing.txt")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02")
    result = run_coach("critique", "--offline", "--format", "json", STRONG, missing, str(binary), VAGUE)
    assert result.returncode == EXIT_FAILED
    assert "Traceback" not in result.stderr
    payload = json.loads(result.stdout)
    assert [item["source"].split("#")[0] for item in payload] == [STRONG, missing, str(binary), VAGUE]
    assert set(payload[1]) == {"source", "error"} and "no such file" in payload[1]["error"]
    assert set(payload[2]) == {"source", "error"} and "binary" in payload[2]["error"]
    assert isinstance(payload[0]["score"], int) and isinstance(payload[3]["score"], int)
    # One stderr line per input that could not be graded (--offline hides the engine note).
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert missing in lines[0] and str(binary) in lines[1]


def test_one_bad_file_in_text_output_still_shows_the_others(run_coach, tmp_path):
    result = run_coach("critique", "--offline", STRONG, str(tmp_path / "missing.txt"))
    assert result.returncode == EXIT_FAILED
    assert "score" in result.stdout and "missing.txt" in result.stdout
    assert len(result.stderr.splitlines()) == 1


def test_batch_error_line_names_the_file_once(run_coach, tmp_path):
    missing = str(tmp_path / "missing.txt")
    result = run_coach("critique", "--offline", STRONG, missing)
    assert result.stderr.count(missing) == 1, result.stderr


def test_empty_folder_in_a_batch_does_not_lose_the_others(run_coach, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_coach("critique", "--format", "json", STRONG, str(empty))
    assert result.returncode == EXIT_FAILED
    payload = json.loads(result.stdout)
    assert payload[0]["score"] >= 0
    assert payload[1]["source"] == str(empty) and "error" in payload[1]


# --- --fail-under ---------------------------------------------------------------------------


def test_fail_under_exits_1_when_a_score_is_below(run_coach):
    score = _score(run_coach, VAGUE)
    assert score < 100
    result = run_coach("critique", "--fail-under", str(score + 1), VAGUE)
    assert result.returncode == EXIT_FAILED
    assert "Traceback" not in result.stderr
    assert "score" in result.stdout  # the critique is still shown


def test_fail_under_exits_0_at_or_below_the_score(run_coach):
    score = _score(run_coach, VAGUE)
    assert run_coach("critique", "--fail-under", str(score), VAGUE).returncode == EXIT_OK
    assert run_coach("critique", "--fail-under", "0", VAGUE).returncode == EXIT_OK


def test_fail_under_looks_at_every_answer_in_a_batch(run_coach):
    strong, vague = _score(run_coach, STRONG), _score(run_coach, VAGUE)
    assert strong > vague
    threshold = str(vague + 1)
    assert run_coach("critique", "--fail-under", threshold, STRONG, VAGUE).returncode == EXIT_FAILED
    assert run_coach("critique", "--fail-under", threshold, STRONG).returncode == EXIT_OK


# --- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("critique",),
        ("critique", "--format", "xml", STRONG),
        ("critique", "--fail-under", "101", STRONG),
        ("critique", "--fail-under", "lots", STRONG),
        ("critique", "--no-such-option", STRONG),
        ("no-such-command",),
        ("eval",),
    ],
    ids=["no-path", "bad-format", "fail-under-range", "fail-under-type", "unknown-option", "unknown-command", "eval-no-file"],
)
def test_usage_errors_exit_2(run_coach, args):
    result = run_coach(*args)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "Traceback" not in result.stderr
    assert "Error" in result.stderr
    assert result.stdout == ""


def test_help_and_version_exit_0(run_coach):
    assert "critique" in run_coach("--help").stdout
    assert "--fail-under" in run_coach("critique", "--help").stdout
    version = run_coach("--version")
    assert version.returncode == EXIT_OK and re.search(r"\d+\.\d+", version.stdout)


# --- coach eval -----------------------------------------------------------------------------

LABELS = ("situation", "task", "action", "result", "quantified", "negative_about_others", "rambling")

# Our own labelled answers, in the format of shared/eval (never its text).
_EVAL_ROWS = [
    {
        "id": "good-1",
        "source_label": "good",
        "question": "Tell me about a time you fixed a process.",
        "answer": "Last year at my previous job, our invoices went out nine days late on average. "
        "My task was to get them out within two days. I mapped the approval steps, removed two "
        "sign-offs that nobody used and automated the reminder emails. As a result invoices went "
        "out in under two days and late payments fell by 35%.",
        "labels": dict(situation=True, task=True, action=True, result=True, quantified=True,
                       negative_about_others=False, rambling=False),
    },
    {
        "id": "good-2",
        "source_label": "good",
        "question": "Tell me about a hard deadline.",
        "answer": "When I was at a small design agency, a client moved their launch forward by "
        "three weeks. I had to deliver forty product images in ten days. I set up a batch "
        "template, photographed every product in one session and edited in the evenings. We "
        "delivered two days early and the client signed a second contract.",
        "labels": dict(situation=True, task=True, action=True, result=True, quantified=True,
                       negative_about_others=False, rambling=False),
    },
    {
        "id": "bad-1",
        "source_label": "bad",
        "question": "Tell me about a conflict at work.",
        "answer": "My old manager was a clueless idiot who never listened to anyone and the "
        "whole team was lazy. It was a nightmare and I quit.",
        "labels": dict(situation=False, task=False, action=False, result=False, quantified=False,
                       negative_about_others=True, rambling=False),
    },
    {
        "id": "bad-2",
        "source_label": "bad",
        "question": "Tell me about a success.",
        "answer": "Um, so, like, we basically did a lot of stuff, you know, and um it was kind "
        "of good, I mean, like, people were happy and stuff, you know, sort of, um, yeah.",
        "labels": dict(situation=False, task=False, action=False, result=False, quantified=False,
                       negative_about_others=False, rambling=True),
    },
    {
        "id": "unlabelled-source",
        "source_label": None,
        "question": None,
        "answer": "I am a hard worker and I learn fast.",
        "labels": dict(situation=False, task=False, action=False, result=False, quantified=False,
                       negative_about_others=False, rambling=False),
    },
]


def _write_eval(tmp_path, rows=_EVAL_ROWS):
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return path


def test_eval_prints_precision_recall_f1_support_per_label_and_auc(run_coach, tmp_path):
    result = run_coach("eval", str(_write_eval(tmp_path)))
    assert result.returncode == EXIT_OK, result.stderr
    out = result.stdout
    for word in ("precision", "recall", "F1", "support", "AUC"):
        assert word in out
    for label in LABELS:
        assert re.search(rf"^{label}\s+\d\.\d{{3}}\s+\d\.\d{{3}}\s+\d\.\d{{3}}\s+\d+\s*$", out, re.MULTILINE), label


def test_eval_json_matches_the_engine(run_coach, tmp_path):
    result = run_coach("eval", "--format", "json", str(_write_eval(tmp_path)))
    assert result.returncode == EXIT_OK, result.stderr
    report = json.loads(result.stdout)
    assert report["answers"] == len(_EVAL_ROWS)
    critiques = [offline.critique(Answer(text=row["answer"], question=row["question"])) for row in _EVAL_ROWS]
    predicted = {
        "situation": [c.star.situation.present for c in critiques],
        "task": [c.star.task.present for c in critiques],
        "action": [c.star.action.present for c in critiques],
        "result": [c.star.result.present for c in critiques],
        "quantified": [c.checks.specificity.quantified for c in critiques],
        "negative_about_others": [c.checks.negativity.flagged for c in critiques],
        "rambling": [c.checks.rambling.flagged for c in critiques],
    }
    for label in LABELS:
        figures = report["labels"][label]
        truth = [row["labels"][label] for row in _EVAL_ROWS]
        tp = sum(t and p for t, p in zip(truth, predicted[label]))
        fp = sum(p and not t for t, p in zip(truth, predicted[label]))
        fn = sum(t and not p for t, p in zip(truth, predicted[label]))
        assert figures["support"] == sum(truth), label
        assert figures["precision"] == pytest.approx(tp / (tp + fp) if tp + fp else 0.0), label
        assert figures["recall"] == pytest.approx(tp / (tp + fn) if tp + fn else 0.0), label
        assert 0.0 <= figures["f1"] <= 1.0
    auc = report["score_auc"]
    assert (auc["good"], auc["bad"]) == (2, 2)
    # Two textbook STAR answers against an insult and a filler-only answer: a fair critic
    # ranks every good one above every bad one.
    assert auc["auc"] == 1.0
    # The baseline beside it: word count alone, over the same good and bad answers.
    words = {row["id"]: len(row["answer"].split()) for row in _EVAL_ROWS}
    good = [words[r["id"]] for r in _EVAL_ROWS if r["source_label"] == "good"]
    bad = [words[r["id"]] for r in _EVAL_ROWS if r["source_label"] == "bad"]
    wins = sum(1.0 if g > b else 0.5 if g == b else 0.0 for g in good for b in bad)
    assert auc["word_count_auc"] == pytest.approx(wins / (len(good) * len(bad)))


def test_eval_without_good_and_bad_reports_no_auc(run_coach, tmp_path):
    rows = [dict(row, source_label=None) for row in _EVAL_ROWS]
    report = json.loads(run_coach("eval", "--format", "json", str(_write_eval(tmp_path, rows))).stdout)
    assert report["score_auc"]["auc"] is None


@pytest.mark.parametrize(
    ("content", "mention"),
    [
        ('{"id": "a", "answer": "I did it."\n', ":1:"),
        ('{"id": "a", "answer": "I led it.", "labels": {}}\nnot json at all\n', ":2:"),
        ('{"id": "a", "labels": {"action": true}}\n', ":1:"),
        ('["a list", "not an object"]\n', ":1:"),
        ('{"id": "a", "answer": "I led it.", "labels": ["action"]}\n', ":1:"),
        ("", "no labelled answers"),
        ("\n\n", "no labelled answers"),
    ],
    ids=["truncated", "second-line", "no-answer", "not-object", "labels-not-object", "empty", "blank"],
)
def test_malformed_eval_file_is_one_line_error(run_coach, tmp_path, content, mention):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = run_coach("eval", str(path))
    assert result.returncode == EXIT_USAGE, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "bad.jsonl" in lines[0] and mention in lines[0], result.stderr


def test_eval_missing_file_is_one_line_error(run_coach, tmp_path):
    result = run_coach("eval", str(tmp_path / "none.jsonl"))
    assert result.returncode == EXIT_USAGE
    assert len(result.stderr.splitlines()) == 1 and "none.jsonl" in result.stderr


def test_eval_binary_file_is_one_line_error(run_coach, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\xff\xfe\x00\x01\x80\x81")
    result = run_coach("eval", str(path))
    assert result.returncode == EXIT_USAGE
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_offline_by_default_says_why_once_on_stderr(run_coach, tmp_path):
    """Without an endpoint the offline engine is used, and the run says so, once."""
    result = run_coach("critique", "--format", "json", str(EXAMPLES / "vague-we.txt"), str(EXAMPLES / "rambling.txt"))
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("coach: note:")]
    assert len(notes) == 1 and "OPENAI_API_KEY" in notes[0]
    assert all(c["engine"] == "offline" for c in json.loads(result.stdout))
    quiet = run_coach("critique", "--offline", "--format", "json", str(EXAMPLES / "vague-we.txt"))
    assert quiet.returncode == 0 and quiet.stderr == ""


# --- issue 9 §9-11: eval refusals, words, help --------------------------------------------------


def test_eval_refuses_a_file_without_labels(coach, tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"answer": "I fixed the build."}) + "\n" + json.dumps({"answer": "We shipped it."}) + "\n")
    ran = coach("eval", str(path))
    assert ran.code == EXIT_USAGE and ran.out == ""
    assert "no answer has labels" in ran.err and "docs/eval.md" in ran.err
    assert (REPO / "docs" / "eval.md").exists()


def test_eval_help_points_at_a_file_in_this_repository(coach):
    ran = coach("eval", "--help")
    (path,) = re.findall(r"docs/[\w.-]+\.md", ran.out)
    assert (REPO / path).exists()


def test_one_sentence_is_not_sentences(coach):
    ran = coach("critique", "--offline", "-", stdin="I rebuilt the rota and overtime fell by a third.")
    assert "1 sentence ·" in ran.out and "1 sentences" not in ran.out


def test_a_strong_answer_with_nothing_to_polish_is_not_told_to_polish_details(coach, monkeypatch):
    from coach.render.verdict import verdict

    critique = offline.critique(Answer(text=Path(STRONG).read_text(encoding="utf-8")))
    bare = critique.model_copy(update={"findings": [], "suggestions": [], "score": 95})
    assert verdict(bare) == "Strong answer, ready as it is."
    noted = bare.model_copy(update={"suggestions": ["Name the client."]})
    assert "Polish the points noted" in verdict(noted)


def test_help_text_explains_every_option_in_words(coach):
    ran = coach("critique", "--help")
    assert "RANGE" not in ran.out and "bench/" not in ran.out
    assert "--fail-under SCORE" in ran.out and "--jobs N" in ran.out
    block = ran.out.split("--temperature", 1)[1].split("\n  -", 1)[0]
    assert "temperature" in block.lower() and "0" in block


def test_readme_starts_with_a_venv_the_python_version_and_the_two_commands():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1 : lines.index("```sh") + 4]
    assert block[0].startswith("python3 -m venv") and "3.11" in block[0]
    assert block[1].startswith("pip install . && coach critique")
    assert block[2].startswith("pip install '.[test]' && pytest")
    readme = "\n".join(lines)
    assert "_COACH_COMPLETE" in readme  # shell completion, documented


def test_shell_completion_is_offered_by_click(tmp_path):
    # click answers a completion request at interpreter level (it exits): a child process.
    env = {"_COACH_COMPLETE": "bash_source"}
    result = run_coach_child(env=env)
    assert result.returncode == 0 and "complete" in result.stdout and "coach" in result.stdout
