"""Many answers per file: .jsonl and .csv rows, good and bad, streamed one by one."""

from __future__ import annotations

import json

from coach.inputs.readers import read_answers
from coach.inputs.tabular import count_rows, read_rows
from coach.models import Answer, InputError

GOOD = "I led the migration of 40 services and we cut hosting costs by 30% in two months."


def _jsonl(path, *lines):
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return str(path)


def test_jsonl_rows_become_answers_named_by_id_or_line(tmp_path):
    path = _jsonl(
        tmp_path / "a.jsonl",
        {"id": "q1", "answer": GOOD, "question": "Tell me about a success", "role": "engineer"},
        {"answer": GOOD + " Again."},
    )
    first, second = read_rows(path)
    assert first == Answer(text=GOOD, question="Tell me about a success", role="engineer", source=f"{path}#q1")
    assert second.source == f"{path}#2" and second.question is None


def test_jsonl_bad_rows_are_error_entries_and_the_others_are_kept(tmp_path):
    path = _jsonl(
        tmp_path / "a.jsonl",
        {"answer": GOOD},
        "{not json",
        "",  # blank lines are skipped, not errors
        "[1, 2]",
        {"answer": "   "},
        {"answer": 42},
        {"text": GOOD},
        {"id": 7, "answer": GOOD},
    )
    items = list(read_rows(path))
    kinds = [type(item).__name__ for item in items]
    assert kinds == ["Answer", "InputError", "InputError", "InputError", "InputError", "InputError", "Answer"]
    assert [item.source for item in items] == [f"{path}#{n}" for n in (1, 2, 4, 5, 6, 7)] + [f"{path}#7"]
    assert "not valid JSON" in items[1].error
    assert "JSON object" in items[2].error
    assert "empty" in items[3].error and "must be text" in items[4].error and "empty" in items[5].error
    assert all(item.error.startswith(item.source + ": ") for item in items if isinstance(item, InputError))


def test_csv_header_names_match_case_insensitively_and_rows_are_numbered_like_a_spreadsheet(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text(
        ' ANSWER ,Question,ROLE,Timestamp\n'
        f'"{GOOD}","Tell me about a success",engineer,2024-01-01\n'
        '"I fixed it.\nThen I wrote it down, which took 2 days.",,,\n'
        ',,,\n'
        '"",Why?,,\n',
        encoding="utf-8",
    )
    items = list(read_rows(str(path)))
    assert [item.source for item in items] == [f"{path}#2", f"{path}#3", f"{path}#5"]
    assert items[0].question == "Tell me about a success" and items[0].role == "engineer"
    assert items[1].text == "I fixed it.\nThen I wrote it down, which took 2 days."  # quoted line break kept
    assert isinstance(items[2], InputError) and "empty" in items[2].error


def test_csv_without_an_answer_column_is_one_error_for_the_file(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text("response,id\nsomething,1\n", encoding="utf-8")
    (item,) = read_rows(str(path))
    assert isinstance(item, InputError) and item.source == str(path)
    assert 'no "answer" column' in item.error and "response" in item.error


def test_csv_row_with_extra_cells_is_an_error_entry(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text(f"answer,id\n{GOOD},a\noops,b,surprise\n", encoding="utf-8")
    good, bad = read_rows(str(path))
    assert isinstance(good, Answer) and good.source == f"{path}#a"
    # A malformed row's cells cannot be trusted, its id included: it is named by its row.
    assert isinstance(bad, InputError) and bad.source == f"{path}#3" and "3 cells" in bad.error


def test_csv_from_a_spreadsheet_in_a_legacy_encoding_is_read(tmp_path):
    path = tmp_path / "form.csv"
    text = "answer\n\"At the café I cut the queue time from 20 to 8 minutes, and Zoë's team kept the change.\"\n"
    path.write_bytes(text.encode("cp1252"))
    (item,) = read_rows(str(path))
    assert isinstance(item, Answer) and "café" in item.text and "Zoë" in item.text


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path):
    path = tmp_path / "form.csv"
    path.write_bytes(("answer,id\n" + f'"{GOOD}",x\n').encode("utf-8-sig"))
    (item,) = read_rows(str(path))
    assert isinstance(item, Answer) and item.source == f"{path}#x"


def test_command_line_question_and_role_win_over_the_row(tmp_path):
    path = _jsonl(tmp_path / "a.jsonl", {"answer": GOOD, "question": "row q", "role": "row r"})
    (item,) = read_rows(path, question="cli q", role=None)
    assert item.question == "cli q" and item.role == "row r"


def test_missing_and_binary_files_are_one_error_each(tmp_path):
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b'{"answer": "x"}\x00\x00')
    items = list(read_answers([str(tmp_path / "missing.csv"), str(binary)]))
    assert [type(i).__name__ for i in items] == ["InputError", "InputError"]
    assert "no such file" in items[0].error and "binary" in items[1].error


def test_rows_are_streamed_and_a_bad_byte_costs_only_its_line(tmp_path):
    """The first answer comes out before a bad byte much later in the file is reached,
    and the undecodable line is one error entry: the rows around it are all kept."""
    path = tmp_path / "big.jsonl"
    good = (json.dumps({"answer": GOOD}) + "\n").encode()
    path.write_bytes(good * 5000 + b'{"answer": "caf\xe9"}\n' + good)  # invalid UTF-8 ~400 KB in
    rows = read_rows(str(path))
    assert isinstance(next(rows), Answer)
    rest = list(rows)
    assert sum(isinstance(r, Answer) for r in rest) == 5000
    assert [r.source for r in rest if isinstance(r, InputError)] == [f"{path}#5001"]
    assert "UTF-8" in rest[-2].error


def test_folders_include_jsonl_and_csv_files(tmp_path):
    _jsonl(tmp_path / "b.jsonl", {"answer": GOOD}, {"answer": GOOD})
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    sources = [item.source for item in read_answers([str(tmp_path)])]
    assert sources == [str(tmp_path / "a.txt"), f"{tmp_path / 'b.jsonl'}#1", f"{tmp_path / 'b.jsonl'}#2"]


def test_count_rows_is_what_the_progress_bar_expects(tmp_path):
    path = _jsonl(tmp_path / "a.jsonl", {"answer": GOOD}, "", {"answer": GOOD}, "junk")
    assert count_rows(path) == 3
    csv_path = tmp_path / "f.csv"
    csv_path.write_text('answer\n"a\nb"\nc\n', encoding="utf-8")
    assert count_rows(str(csv_path)) == 2


def test_cli_grades_the_good_rows_and_reports_the_bad_ones(run_coach, tmp_path):
    path = _jsonl(tmp_path / "a.jsonl", {"id": "one", "answer": GOOD}, "{broken", {"id": "three", "answer": GOOD})
    result = run_coach("critique", "--offline", "--format", "json", path)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert [item["source"] for item in payload] == [f"{path}#one", f"{path}#2", f"{path}#three"]
    assert isinstance(payload[0]["score"], int) and "error" in payload[1] and isinstance(payload[2]["score"], int)
    assert result.stderr.strip() == f"coach: error: {path}#2: not valid JSON (Expecting property name enclosed in double quotes at column 2)"


# --- issue 9 §7: CSV quoting, oversized cells, one source per error line ----------------------


def _csv(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_unterminated_quote_is_reported_at_its_row_and_swallows_nothing(tmp_path):
    path = _csv(tmp_path / "a.csv", (
        "id,answer\n"
        f'r1,"{GOOD}"\n'
        'r2,"I started by rewriting the runbook\n'
        f'r3,"{GOOD} Three."\n'
        f'r4,"{GOOD} Four."\n'
    ))
    results = list(read_rows(path))
    assert [r.source for r in results] == [f"{path}#r1", f"{path}#3", f"{path}#r3", f"{path}#r4"]
    error = results[1]
    assert isinstance(error, InputError)
    assert "a quote is never closed" in error.error and "lines 3-4" in error.error
    assert [r.text for r in results if isinstance(r, Answer)] == [GOOD, f"{GOOD} Three.", f"{GOOD} Four."]


def test_a_quote_left_open_to_the_end_of_the_file_is_reported_and_earlier_rows_kept(tmp_path):
    path = _csv(tmp_path / "a.csv", f'id,answer\nr1,{GOOD}\nr2,"never closed\nr3,{GOOD} Three.\n')
    results = list(read_rows(path))
    assert [type(r).__name__ for r in results] == ["Answer", "InputError", "Answer"]
    assert results[2].text == f"{GOOD} Three."


def test_a_multi_line_quoted_answer_is_still_one_answer(tmp_path):
    path = _csv(tmp_path / "a.csv", f'id,answer\nr1,"First paragraph, with commas.\n\nSecond, ""quoted"" one."\nr2,{GOOD}\n')
    first, second = read_rows(path)
    assert first.text == 'First paragraph, with commas.\n\nSecond, "quoted" one.'
    assert second.source.endswith("#r2")


def test_an_oversized_cell_names_its_row_and_the_rows_after_it_are_graded(tmp_path):
    path = _csv(tmp_path / "a.csv", "id,answer\n" + 'r1,"' + "word " * 30_000 + '"\n' + f"r2,{GOOD}\n")
    results = list(read_rows(path))
    assert isinstance(results[0], InputError)
    assert results[0].error.startswith(f"{path}#2: malformed CSV at line 2") and "larger than 128 KiB" in results[0].error
    assert results[-1] == Answer(text=GOOD, source=f"{path}#r2")


def test_a_bad_row_names_its_source_once_in_text_output(coach, tmp_path):
    path = _csv(tmp_path / "a.csv", f'id,answer\nr1,"never closed\nr2,{GOOD}\n')
    jsonl = _jsonl(tmp_path / "a.jsonl", "{not json", {"answer": GOOD})
    ran = coach("critique", "--offline", path, jsonl)
    error_lines = [line for line in ran.out.splitlines() if ": error: " in line]
    assert len(error_lines) == 2
    assert [line.count("a.csv") + line.count("a.jsonl") for line in error_lines] == [1, 1]


def test_a_csv_with_a_header_and_no_rows_is_one_error(tmp_path):
    path = _csv(tmp_path / "a.csv", "id,answer\n")
    (only,) = read_rows(path)
    assert isinstance(only, InputError) and only.error == f"{path}: no answers in the file"
