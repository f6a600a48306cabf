"""jsonl, csv and markdown reports, and -o FILE choosing the format from its extension."""

from __future__ import annotations

import csv
import io
import json

import pytest

from coach.batch.summary import SummaryBuilder
from coach.models import Answer, Critique, InputError
from coach.render import csv as csv_render
from coach.render import jsonl, markdown
from coach.rules import offline
from tests.conftest import EXAMPLES

NEGATIVE = (EXAMPLES / "negative-boss.txt").read_text(encoding="utf-8").strip()
STRONG_TEXT = "I led the migration of 40 services and we cut hosting costs by 30% within two months."


def _entries():
    good = Answer(text=STRONG_TEXT, source="good.txt", question="Tell me about a success")
    bad = Answer(text=NEGATIVE, source="negative.txt")
    return [
        (good.text, offline.critique(good)),
        (None, InputError(source="missing.txt", error="missing.txt: no such file")),
        (bad.text, offline.critique(bad)),
    ]


def _summary(entries):
    builder = SummaryBuilder()
    for text, result in entries:
        builder.add(text, result)
    return builder.build()


def test_jsonl_is_one_contract_object_per_line():
    entries = _entries()
    lines = [jsonl.line(result) for _, result in entries]
    assert all("\n" not in line for line in lines)
    assert [json.loads(line) for line in lines] == [result.model_dump(mode="json") for _, result in entries]
    assert Critique.model_validate_json(lines[0]) == entries[0][1]


def test_csv_has_a_row_per_answer_with_star_flags_and_top_suggestion():
    entries = _entries()
    rows = list(csv.DictReader(io.StringIO(csv_render.render([r for _, r in entries]))))
    assert [row["source"] for row in rows] == ["good.txt", "missing.txt", "negative.txt"]
    good, missing, negative = rows
    critique = entries[2][1]
    assert negative["score"] == str(critique.score)
    assert [negative[p] for p in ("situation", "task", "action", "result")] == [
        "yes" if part.present else "no" for _, part in critique.star.parts()
    ]
    assert "negative" in negative["flags"].split("; ")
    assert negative["words"] == str(critique.metrics.words)
    assert negative["top_suggestion"] == critique.suggestions[0]
    assert missing["score"] == "" and missing["error"] == "missing.txt: no such file"
    assert good["error"] == "" and good["engine"] == "offline" and good["cached"] == "no"


def test_csv_cells_that_a_spreadsheet_would_run_are_defused():
    critique = offline.critique(Answer(text=STRONG_TEXT, source="=HYPERLINK(\"http://x\")"))
    row = next(csv.DictReader(io.StringIO(csv_render.render([critique]))))
    assert row["source"] == "'=HYPERLINK(\"http://x\")"


def test_markdown_starts_with_the_summary_then_each_answer():
    entries = _entries()
    report = markdown.render(entries, _summary(entries))
    summary_at, answers_at = report.index("## Summary"), report.index("## Answers")
    assert summary_at < answers_at
    assert "2 of 3 answers graded" in report[summary_at:answers_at]
    assert "| 0-9 |" in report[summary_at:answers_at]
    sections = report[answers_at:].split("\n### ")[1:]
    assert [s.split(":")[0] for s in sections] == ["good.txt", "missing.txt", "negative.txt"]
    assert f"{entries[2][1].score}/100" in sections[2] and "| Result |" in sections[2]
    assert "**Question:** Tell me about a success" in sections[0]
    assert "no such file" in sections[1]


def test_markdown_escapes_candidate_html():
    text = "I fixed <script>alert(1)</script> the form validation and cut errors by 50% in a week."
    entries = [(text, offline.critique(Answer(text=text, source="x.txt")))]
    report = markdown.render(entries, _summary(entries))
    assert "<script>" not in report and "&lt;script&gt;" in report


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.jsonl", lambda text: [json.loads(line)["source"] for line in text.splitlines()]),
        ("out.csv", lambda text: [row["source"] for row in csv.DictReader(io.StringIO(text))]),
        ("out.json", lambda text: [item["source"] for item in json.loads(text)]),
        ("out.md", lambda text: [line[4:].split(":")[0] for line in text.splitlines() if line.startswith("### ")]),
        ("out.html", lambda text: [s for s in ("negative-boss.txt", "vague-we.txt") if f"<h3>examples/{s}" in text]),
    ],
)
def test_output_file_format_follows_its_extension(run_coach, tmp_path, name, check):
    out = tmp_path / name
    args = ("critique", "--offline", "-o", str(out), "examples/negative-boss.txt", "examples/vague-we.txt")
    result = run_coach(*args)
    assert result.returncode == 0, result.stderr
    sources = check(out.read_text(encoding="utf-8"))
    assert [s.replace("examples/", "") for s in sources] == ["negative-boss.txt", "vague-we.txt"]
    # The summary is for the person at the terminal, not in the file's way.
    assert "2 of 2 answers graded" in result.stdout


def test_unknown_output_extension_needs_format(run_coach, tmp_path):
    result = run_coach("critique", "--offline", "-o", str(tmp_path / "out.xyz"), "examples/vague-we.txt")
    assert result.returncode == 2 and "use --format" in result.stderr
    result = run_coach("critique", "--offline", "--format", "jsonl", "-o", str(tmp_path / "out.xyz"), "examples/vague-we.txt")
    assert result.returncode == 0 and json.loads((tmp_path / "out.xyz").read_text())["source"] == "examples/vague-we.txt"


def test_machine_formats_on_stdout_carry_no_summary_or_progress(run_coach):
    result = run_coach("critique", "--offline", "--format", "jsonl", "examples")
    assert result.returncode == 0
    assert all(json.loads(line)["score"] >= 0 for line in result.stdout.splitlines())
    assert result.stderr == ""


def test_text_batch_ends_with_the_summary(run_coach):
    result = run_coach("critique", "--offline", "examples")
    assert result.returncode == 0
    tail = result.stdout.split("Batch summary\n", 1)[1]
    count = len(list(EXAMPLES.iterdir()))
    assert tail.startswith(f"{count} of {count} answers graded: mean ")


NEGATIVE_TEXT = (
    "At my last job the support queue doubled in a month. My manager was useless and never listened, and the "
    "whole mess was his fault. I sorted the tickets by product and wrote replies for the ten commonest questions."
)


def test_every_renderer_takes_the_band_and_labels_from_one_place():
    """A score of 65 is "Promising" in the verdict and coloured as good everywhere; the
    table labels are the verdict's issues."""
    from coach.render import html
    from coach.render.csv import row
    from coach.render.verdict import BANDS, band, labels, verdict

    critique = offline.critique(Answer(text=NEGATIVE_TEXT, source="a.md"))
    assert critique.checks.negativity.flagged
    assert [b.floor for b in BANDS] == sorted((b.floor for b in BANDS), reverse=True) and BANDS[-1].floor == 0
    for score in (0, 34, 35, 59, 60, 79, 80, 100):
        scored = critique.model_copy(update={"score": score, "findings": []})
        level = verdict(scored).split(":")[0].split(" answer")[0]
        assert level == band(score).label, score
        assert html.card(1, NEGATIVE_TEXT, scored).tone == band(score).tone
    assert "negative" in labels(critique) and "negative" in row(critique)[6]
    problem = critique.model_copy(update={"score": 95})
    assert verdict(problem).startswith("Promising:"), "a problem finding keeps an answer out of the top band"
