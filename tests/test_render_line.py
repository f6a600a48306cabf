"""--format line and --format github (issue 13 §4): a line per finding, at its place in the file."""

from __future__ import annotations

import json
import re

from tests.conftest import EXAMPLES

LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>info|warning|problem) (?P<check>[\w-]+): (?P<message>.+)$")


def test_each_finding_is_one_line_pointing_at_its_span_in_the_file(coach, tmp_path):
    answer = tmp_path / "a.md"
    answer.write_text("---\nquestion: Tell me about a conflict at work.\n---\nLast May I joined the team.\n"
                      "My manager was useless and never listened to anyone.\n", encoding="utf-8")
    ran = coach("critique", "--offline", "--format", "line", str(answer))
    assert ran.code == 0, ran.err
    parsed = [LINE.match(line) for line in ran.out.splitlines()]
    assert parsed and all(parsed)
    critique = json.loads(coach("critique", "--offline", "--format", "json", str(answer)).out)
    assert len(parsed) == len(critique["findings"])
    negative = next(m for m in parsed if m["check"] == "negativity")
    assert (negative["path"], negative["line"], negative["col"]) == (str(answer), "5", "1")
    file_lines = answer.read_text(encoding="utf-8").splitlines()
    assert file_lines[int(negative["line"]) - 1].startswith("My manager was useless")


def test_github_annotations_carry_the_level_file_and_place(coach):
    ran = coach("critique", "--offline", "--format", "github", str(EXAMPLES / "no-result.md"))
    first = ran.out.splitlines()[0]
    assert re.match(r"^::(error|warning|notice) file=.+no-result\.md,line=5,col=1,title=coach star::No clear Result", first)


def test_an_unreadable_input_is_one_line_too(coach, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text("{not json\n", encoding="utf-8")
    ran = coach("critique", "--offline", "--format", "line", str(rows))
    (line,) = ran.out.splitlines()
    assert LINE.match(line)["check"] == "input" and ran.code == 1


def test_the_pre_commit_hook_runs_coach_on_the_files_it_is_given(coach):
    import shlex

    import yaml

    from tests.conftest import REPO

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert re.search(hook["files"], "answers/why-us.md") and not re.search(hook["files"], "answers.csv")
    command = shlex.split(hook["entry"])
    assert command[0] == "coach"
    ran = coach(*command[1:], str(EXAMPLES / "no-result.md"), str(EXAMPLES / "strong-star.md"))
    assert ran.code == 0 and all(LINE.match(line) for line in ran.out.splitlines()) and ran.err == ""
