"""-o FILE and what a run says about where its report went (issue 9 §2-4, §9-10).

In-process through `coach.cli.run`; the Ctrl-C cases, which need a real signal, are in
test_batch_cli.py.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import EXAMPLES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@pytest.fixture
def answers(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    for name in ("strong-star.md", "vague-we.txt", "negative-boss.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


@pytest.mark.parametrize("name", ["r.html", "r.md", "r.json", "r.csv", "r.txt", "r.jsonl"])
def test_a_run_that_grades_nothing_leaves_the_existing_report_alone(coach, tmp_path, name):
    empty = tmp_path / "empty"
    empty.mkdir()
    report = tmp_path / name
    report.write_text("keep\n", encoding="utf-8")
    ran = coach("critique", "--offline", str(empty), "-o", str(report))
    assert ran.code == EXIT_USAGE
    assert "folder has no answer files" in ran.err
    assert report.read_text(encoding="utf-8") == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["empty", name])  # no temporary file left


def test_a_report_that_cannot_be_finished_leaves_the_old_one_and_no_temporary_file(coach, tmp_path, answers, monkeypatch):
    from coach.render import html

    report = tmp_path / "r.html"
    report.write_text("keep\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(html.Writer, "finish", broken)
    ran = coach("critique", "--offline", str(answers), "-o", str(report))
    assert ran.code == 130
    assert report.read_text(encoding="utf-8") == "keep\n"
    assert not list(tmp_path.glob(".*.part"))


def test_a_finished_report_replaces_the_file_and_keeps_its_permissions(coach, tmp_path, answers):
    report = tmp_path / "r.md"
    report.write_text("old\n", encoding="utf-8")
    report.chmod(0o640)
    ran = coach("critique", "--offline", str(answers), "-o", str(report))
    assert ran.code == EXIT_OK, ran.err
    assert report.read_text(encoding="utf-8").startswith("# Interview answers: batch report")
    assert report.stat().st_mode & 0o777 == 0o640
    assert f"coach: wrote {report} (3 answers)" in ran.err


def test_jsonl_is_not_truncated_before_the_first_result(coach, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    report = tmp_path / "r.jsonl"
    report.write_text('{"kept": true}\n', encoding="utf-8")
    ran = coach("critique", "--offline", str(empty), "-o", str(report))
    assert ran.code == EXIT_FAILED
    assert "no answers in the file" in ran.err
    # the error entry is the first result: jsonl, streamed on purpose, writes it in place
    assert json.loads(report.read_text(encoding="utf-8"))["error"].endswith("no answers in the file")


def test_the_output_file_inside_an_input_folder_is_not_graded(coach, answers):
    report = answers / "report.md"
    for _ in range(2):  # the second run finds the first run's report there
        ran = coach("critique", "--offline", str(answers), "-o", str(report))
        assert ran.code == EXIT_OK, ran.err
        assert "3 of 3 answers graded" in ran.out
        assert "report.md" not in report.read_text(encoding="utf-8").split("## Answers", 1)[1]


@pytest.mark.parametrize("fmt,name", [("markdown", "old.md"), ("text", "old.txt"), ("csv", "old.csv"), ("jsonl", "old.jsonl")])
def test_reports_coach_wrote_are_skipped_as_inputs_and_said_so(coach, answers, fmt, name):
    ran = coach("critique", "--offline", "--format", fmt, str(answers))
    (answers / name).write_text(ran.out, encoding="utf-8")
    again = coach("critique", "--offline", "--format", "json", str(answers))
    assert again.code == EXIT_OK, again.err
    graded = [c["source"].split("#")[0] for c in json.loads(again.out)]
    assert graded == sorted(str(p) for p in answers.iterdir() if p.name != name)
    assert f"{answers / name}: skipped, a report written by coach" in again.err


def test_an_answer_that_looks_a_little_like_a_report_is_still_graded(coach, answers):
    (answers / "notes.md").write_text("# Interview answers\n\nI led the rollout of our new rota and cut overtime by a third.\n", encoding="utf-8")
    ran = coach("critique", "--offline", "--format", "json", str(answers))
    assert any(c["source"].endswith("notes.md") for c in json.loads(ran.out))


def test_fail_under_names_the_answers_below_on_stderr_when_stdout_is_redirected(coach, answers):
    ran = coach("critique", "--offline", "--format", "json", "--fail-under", "100", str(answers))
    assert ran.code == EXIT_FAILED
    scores = {c["source"]: c["score"] for c in json.loads(ran.out)}
    below = {s: n for s, n in scores.items() if n < 100}
    assert below
    line = next(line for line in ran.err.splitlines() if "scored below 100" in line)
    assert line.startswith(f"coach: {len(below)} answer")
    for source, score in below.items():
        assert f"{source} ({score})" in line


def test_fail_under_met_says_nothing_and_exits_0(coach, answers):
    ran = coach("critique", "--offline", "--format", "json", "--fail-under", "0", str(answers))
    assert ran.code == EXIT_OK and "below" not in ran.err


def test_an_empty_folder_as_csv_prints_nothing_on_stdout(coach, tmp_path):
    (tmp_path / "empty").mkdir()
    ran = coach("critique", "--offline", "--format", "csv", str(tmp_path / "empty"))
    assert ran.code == EXIT_USAGE and ran.out == ""
    assert ran.err.count("\n") == 1


def test_stdin_source_is_written_as_a_dash_in_csv(coach):
    ran = coach("critique", "--offline", "--format", "csv", "-", stdin="I rebuilt the rota. Overtime fell by a third.")
    assert ran.code == EXIT_OK, ran.err
    assert ran.out.splitlines()[1].startswith("-,")


def test_formula_cells_are_still_defused_in_csv(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-x.txt").write_text("I rebuilt the rota in a week.", encoding="utf-8")
    (tmp_path / "=y.txt").write_text("I rebuilt the rota in a week.", encoding="utf-8")
    ran = coach("critique", "--offline", "--format", "csv", "--", "-x.txt", "=y.txt")
    assert [line.split(",")[0] for line in ran.out.splitlines()[1:]] == ["'-x.txt", "'=y.txt"]
