"""Reading answers: what gets graded, and every bad input of issue 2 §3 refused in one line.

Bad inputs are run through the real CLI (`python -m coach`), because what the user sees is
the contract: exactly one line on stderr, no traceback, and the documented exit code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from coach.inputs.readers import MAX_ANSWER_BYTES, UnreadableInput, read_answer
from tests.conftest import REPO

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

ANSWER = (
    "At my last job our support queue doubled in a month. I wrote a triage guide and trained "
    "two new hires on it. Within six weeks every ticket was answered within a day again."
)
# Our own sentences with accents, so a legacy encoding really differs from UTF-8.
# Every sentence has an accent, so any quoted evidence shows whether decoding was right.
ACCENTED = (
    "At the café where I worked, the new menu confused our regular customers. I rewrote the "
    "café menu cards in plain words, and complaints fell to zero within two weeks. The owner, "
    "Zoë, kept the cards for the next season."
)


def _assert_one_line_error(result, exit_code: int, *mentions: str) -> str:
    assert result.returncode == exit_code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for text in mentions:
        assert text in lines[0]
    return lines[0]


def _write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- refusals, through the CLI --------------------------------------------------------------


def test_missing_file(run_coach, tmp_path):
    result = run_coach("critique", str(tmp_path / "nope.txt"))
    _assert_one_line_error(result, EXIT_USAGE, "nope.txt")
    assert result.stdout == ""


def test_folder_with_no_answers(run_coach, tmp_path):
    (tmp_path / "notes.rst").write_text(ANSWER, encoding="utf-8")
    result = run_coach("critique", str(tmp_path))
    _assert_one_line_error(result, EXIT_USAGE, str(tmp_path))


def test_empty_folder(run_coach, tmp_path):
    result = run_coach("critique", str(tmp_path))
    _assert_one_line_error(result, EXIT_USAGE)


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", b"I led the\x00 project\x00"],
    ids=["png-header", "nul-bytes"],
)
def test_binary_file(run_coach, tmp_path, content):
    result = run_coach("critique", str(_write(tmp_path, "answer.txt", content)))
    _assert_one_line_error(result, EXIT_USAGE, "answer.txt", "binary")


@pytest.mark.parametrize("content", ["", "   ", "\n\n\t \r\n", "\ufeff  \n"], ids=["empty", "spaces", "blank-lines", "bom-only"])
def test_empty_or_whitespace_only(run_coach, tmp_path, content):
    result = run_coach("critique", str(_write(tmp_path, "answer.txt", content)))
    _assert_one_line_error(result, EXIT_USAGE, "answer.txt", "empty")


def test_markdown_with_only_front_matter_is_empty(run_coach, tmp_path):
    path = _write(tmp_path, "answer.md", "---\nquestion: Tell me about a conflict.\n---\n\n")
    _assert_one_line_error(run_coach("critique", str(path)), EXIT_USAGE, "answer.md", "empty")


def test_file_over_the_size_bound(run_coach, tmp_path):
    sentence = "I fixed the build. "
    text = sentence * (MAX_ANSWER_BYTES // len(sentence) + 1)
    assert len(text.encode()) > MAX_ANSWER_BYTES
    result = run_coach("critique", str(_write(tmp_path, "long.txt", text)))
    _assert_one_line_error(result, EXIT_USAGE, "long.txt", f"{MAX_ANSWER_BYTES // 1024} KiB")


def test_file_at_the_size_bound_is_still_graded(run_coach, tmp_path):
    sentence = "I fixed the build. "
    text = (sentence * (MAX_ANSWER_BYTES // len(sentence) + 1))[:MAX_ANSWER_BYTES]
    result = run_coach("critique", "--format", "json", str(_write(tmp_path, "long.txt", text)))
    assert result.returncode == EXIT_OK, result.stderr
    payload = json.loads(result.stdout)
    assert payload["checks"]["rambling"]["flagged"] is True  # thousands of words is rambling


def test_stdin_over_the_size_bound(run_coach):
    result = run_coach("critique", "-", stdin="I fixed the build. " * (MAX_ANSWER_BYTES // 10))
    _assert_one_line_error(result, EXIT_USAGE, "KiB")


@pytest.mark.parametrize(
    "front_matter",
    [
        "question: [unclosed\n",
        "question: 'unterminated\n",
        "question: a\n  role: : b\n",
        "\tquestion: tabs are not YAML indentation\n",
    ],
    ids=["unclosed-list", "unterminated-quote", "bad-mapping", "tab"],
)
def test_unparseable_front_matter(run_coach, tmp_path, front_matter):
    path = _write(tmp_path, "answer.md", f"---\n{front_matter}---\n{ANSWER}\n")
    _assert_one_line_error(run_coach("critique", str(path)), EXIT_USAGE, "answer.md", "front matter")


def test_front_matter_that_is_not_key_value(run_coach, tmp_path):
    path = _write(tmp_path, "answer.md", f"---\n- just\n- a list\n---\n{ANSWER}\n")
    _assert_one_line_error(run_coach("critique", str(path)), EXIT_USAGE, "answer.md", "front matter")


def test_empty_stdin(run_coach):
    _assert_one_line_error(run_coach("critique", "-", stdin=""), EXIT_USAGE, "empty")


def test_whitespace_stdin(run_coach):
    _assert_one_line_error(run_coach("critique", "-", stdin=" \n\t\n"), EXIT_USAGE, "empty")


def test_folder_answers_are_graded_in_sorted_order(run_coach, tmp_path):
    _write(tmp_path, "b.txt", ANSWER)
    _write(tmp_path, "a.md", ANSWER)
    result = run_coach("critique", "--format", "json", str(tmp_path))
    assert result.returncode == EXIT_OK, result.stderr
    sources = [item["source"] for item in json.loads(result.stdout)]
    assert sources == [str(tmp_path / "a.md"), str(tmp_path / "b.txt")]  # sorted


# --- what is graded -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encoding_is_detected_and_graded(run_coach, tmp_path, encoding):
    path = _write(tmp_path, "answer.txt", ACCENTED.encode(encoding))
    assert read_answer(str(path)).text == ACCENTED
    result = run_coach("critique", "--offline", "--format", "json", str(path))
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stderr == ""
    payload = json.loads(result.stdout)
    quoted = [span["text"] for part in payload["star"].values() for span in part["evidence"]]
    quoted += [f["span"]["text"] for f in payload["findings"] if f["span"]]
    assert any(accent in text for text in quoted for accent in "éë")
    for text in quoted:
        assert text in ACCENTED


def test_cp1252_with_dash_and_euro_keeps_its_accents(tmp_path):
    """Windows-1252 wins a near tie with other code pages; a clearly Polish text does not."""
    text = (
        "Last summer at the crêperie my manager asked me to cut waste. I weighed the leftover "
        "batter every night for a month — about 4 kg a day — and changed the prep plan. Waste "
        "dropped by half and we saved €300 a month."
    )
    path = _write(tmp_path, "answer.txt", text.encode("cp1252"))
    assert read_answer(str(path)).text == text


def test_utf8_with_bom_is_graded_without_the_bom(run_coach, tmp_path):
    path = _write(tmp_path, "answer.txt", b"\xef\xbb\xbf" + ANSWER.encode("utf-8"))
    answer = read_answer(str(path))
    assert answer.text == ANSWER
    assert not answer.text.startswith("\ufeff")
    result = run_coach("critique", "--format", "json", str(path))
    assert result.returncode == EXIT_OK, result.stderr
    evidence = [span for part in json.loads(result.stdout)["star"].values() for span in part["evidence"]]
    assert evidence and all("\ufeff" not in span["text"] for span in evidence)
    # Offsets count from the answer's first real character.
    assert any(span["start"] == 0 and span["text"].startswith("At my last job") for span in evidence)


def test_markdown_front_matter_with_bom_is_still_front_matter(tmp_path):
    path = _write(tmp_path, "answer.md", b"\xef\xbb\xbf---\nquestion: Why us?\n---\n" + ANSWER.encode())
    answer = read_answer(str(path))
    assert answer.question == "Why us?"
    assert answer.text == ANSWER


def test_crlf_file_is_graded(tmp_path):
    path = _write(tmp_path, "answer.md", ("---\r\nrole: barista\r\n---\r\n" + ANSWER + "\r\n").encode())
    answer = read_answer(str(path))
    assert answer.role == "barista"
    assert answer.text == ANSWER


def test_front_matter_fields_and_id(tmp_path):
    path = _write(tmp_path, "answer.md", f"---\nquestion: Tell me about a backlog.\nrole: support lead\nid: q7\n---\n{ANSWER}\n")
    answer = read_answer(str(path))
    assert (answer.question, answer.role) == ("Tell me about a backlog.", "support lead")
    assert answer.source == f"{path}#q7"
    assert answer.text == ANSWER


def test_command_line_question_and_role_win_over_front_matter(tmp_path):
    path = _write(tmp_path, "answer.md", f"---\nquestion: From the file\nrole: from file\n---\n{ANSWER}\n")
    answer = read_answer(str(path), question="From the flag", role="from flag")
    assert (answer.question, answer.role) == ("From the flag", "from flag")


def test_txt_file_reads_a_front_matter_block_like_md(tmp_path):
    """A .txt answer that opens with front matter means it: grading the block as part of the
    answer changed how it was judged (issue 9 §8)."""
    text = f"---\nquestion: Tell me about a time you fixed a process.\n---\n{ANSWER}"
    answer = read_answer(str(_write(tmp_path, "answer.txt", text)))
    assert answer.text == ANSWER
    assert answer.question == "Tell me about a time you fixed a process."


def test_txt_file_without_front_matter_is_the_whole_answer(tmp_path):
    text = f"--- first draft ---\n{ANSWER}"
    answer = read_answer(str(_write(tmp_path, "answer.txt", text)))
    assert answer.text == text and answer.question is None


def test_stdin_is_graded(run_coach):
    result = run_coach("critique", "--format", "json", "-", stdin=ANSWER)
    assert result.returncode == EXIT_OK, result.stderr
    payload = json.loads(result.stdout)
    assert payload["source"] == "-"
    assert payload["metrics"]["words"] == len(ANSWER.split())


def test_refusals_are_unreadable_input_with_one_line(tmp_path):
    for path in (tmp_path / "missing.txt", _write(tmp_path, "e.txt", "  "), _write(tmp_path, "b.txt", b"\x00\x01")):
        with pytest.raises(UnreadableInput) as caught:
            read_answer(str(path))
        message = str(caught.value)
        assert "\n" not in message and path.name in message


# --- front matter without PyYAML --------------------------------------------------------------

_FRONT_MATTER_BLOCKS = [
    "question: Tell me about a time you failed, and what you learned.\nrole: software engineer\nid: fail-1",
    "question: What's your biggest weakness?\nrole: \"nurse\"",
    "question: Why us?\r\nrole: barista\r\n",
    "# a comment\nquestion: Describe a conflict - and how it ended!\n\nrole: C# developer",
    "question:\nrole: analyst",
    "question: Yes\nrole: dev",
    "id: 007\nrole: Null",
    "id: 2024-01-05",
    "question: Ärztin oder Arzt, warum?",
    "question: a\n  continued on the next line",
    "question: dev [backend] {x}",
    "question: first\nquestion: second",
    "role: data & analytics | reporting > dashboards",
    "role: on",
    "question: 'quoted'",
    "question: Tell me: why?",
]


@pytest.mark.parametrize("block", _FRONT_MATTER_BLOCKS)
def test_plain_front_matter_reads_exactly_what_yaml_reads(block):
    """The PyYAML-free path takes only what PyYAML reads as the same strings; the rest goes to PyYAML."""
    import yaml

    from coach.inputs.readers import plain_front_matter

    plain = plain_front_matter(block)
    if plain is None:
        return
    expected = yaml.safe_load(block) or {}
    assert set(plain) == set(expected)
    for key, value in expected.items():
        assert plain[key] == (None if value is None else value), key
        assert value is None or isinstance(value, str), key


def test_plain_front_matter_covers_the_usual_files():
    from coach.inputs.readers import plain_front_matter

    for block in (_FRONT_MATTER_BLOCKS[0], _FRONT_MATTER_BLOCKS[2], _FRONT_MATTER_BLOCKS[4], "role: data & analytics"):
        assert plain_front_matter(block) is not None, block
    assert plain_front_matter("question: [unclosed") is None
    assert plain_front_matter("- a list") is None


def _yaml_imported_reading(path) -> bool:
    code = (
        "import sys; from coach.inputs.readers import read_answer; "
        f"read_answer({str(path)!r}); print('yaml' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip() == "True"


def test_plain_front_matter_does_not_import_yaml(tmp_path):
    path = _write(tmp_path, "answer.md", f"---\nquestion: Why us?\nrole: barista\nid: a1\n---\n{ANSWER}\n")
    assert read_answer(str(path)).question == "Why us?"
    assert not _yaml_imported_reading(path)


def test_richer_front_matter_is_read_by_yaml(tmp_path):
    path = _write(tmp_path, "answer.md", f"---\nquestion: >\n  Why us,\n  and why now?\nid: 7\n---\n{ANSWER}\n")
    answer = read_answer(str(path))
    assert answer.question == "Why us, and why now?"
    assert answer.source.endswith("#7")
    assert _yaml_imported_reading(path)


def test_central_european_text_is_not_forced_into_cp1252(tmp_path):
    text = "Zażółć gęślą jaźń: w zeszłym roku pracowałem w kawiarni w Krakowie i skróciłem kolejki o połowę."
    path = _write(tmp_path, "odpowiedz.txt", text.encode("cp1250"))
    assert read_answer(str(path)).text == text


# --- issue 9: encodings and front matter a new user meets ------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read_not_refused_as_binary(tmp_path, encoding):
    """Windows Notepad's "Unicode" is UTF-16 with a byte-order mark."""
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path = _write(tmp_path, "answer.md", bom + f"---\nquestion: Why us?\n---\n{ACCENTED}\n".encode(encoding))
    answer = read_answer(str(path))
    assert answer.text == ACCENTED and answer.question == "Why us?"


def test_a_utf16_csv_is_read_row_by_row(tmp_path):
    from coach.inputs.readers import read_answers

    path = _write(tmp_path, "rows.csv", f'id,answer\r\nc1,"{ACCENTED}"\r\nc2,{ANSWER}\r\n'.encode("utf-16"))
    answers = list(read_answers([str(path)]))
    assert [(a.source, a.text) for a in answers] == [(f"{path}#c1", ACCENTED), (f"{path}#c2", ANSWER)]


def test_the_same_legacy_bytes_read_the_same_as_a_txt_answer_and_as_a_csv_row(tmp_path):
    """One decoder for both readers: a short Western text is a near tie between code pages."""
    from coach.inputs.readers import read_answers

    text = "Our crêpe stand sold out by noon; I reordered batter for the afternoon — €40 well spent."
    txt = _write(tmp_path, "a.txt", text.encode("cp1252"))
    csv_file = _write(tmp_path, "a.csv", b"answer\n" + f'"{text}"\n'.encode("cp1252"))
    (from_csv,) = read_answers([str(csv_file)])
    assert read_answer(str(txt)).text == from_csv.text == text


@pytest.mark.parametrize("key", ["Question", "QUESTION", "question"])
def test_front_matter_keys_match_in_any_case(tmp_path, key):
    path = _write(tmp_path, "answer.md", f"---\n{key}: Why are you leaving?\nRole: nurse\nID: n1\n---\n{ANSWER}\n")
    answer = read_answer(str(path))
    assert (answer.question, answer.role, answer.source) == ("Why are you leaving?", "nurse", f"{path}#n1")


def test_unknown_front_matter_keys_are_named_in_a_warning(tmp_path):
    path = _write(tmp_path, "answer.md", f"---\nqustion: Why us?\ncompany: Acme\nrole: nurse\n---\n{ANSWER}\n")
    warnings: list[str] = []
    answer = read_answer(str(path), warn=warnings.append)
    assert answer.question is None and answer.role == "nurse"
    assert len(warnings) == 1
    assert "company, qustion ignored" in warnings[0] and str(path) in warnings[0]


def test_unknown_front_matter_key_warning_reaches_stderr_once(coach, tmp_path):
    path = _write(tmp_path, "answer.md", f"---\nqustion: Why us?\n---\n{ANSWER}\n")
    ran = coach("critique", "--offline", str(path))
    assert ran.code == EXIT_OK
    assert [line for line in ran.err.splitlines() if "qustion" in line] == [
        f"coach: note: {path}: front matter key qustion ignored (known: question, role, id, kind)"
    ]
