"""`coach critique` on many answers: the progress bar, the terminal summary, exit codes
and Ctrl-C."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import time

from tests.conftest import _ISOLATED_VARS, REPO
from tests.synthetic_answers import write_jsonl


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _ISOLATED_VARS}
    return env | {"PYTHONPATH": str(REPO)}


def _run_with_terminal_stderr(tmp_path, *args: str) -> tuple[int, str, str]:
    """Run coach with stderr on a pseudo-terminal (as in a person's shell), stdout to a file."""
    leader, follower = pty.openpty()
    stdout_file = (tmp_path / "stdout").open("w+", encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", "coach", *args], cwd=REPO, env=_env(),
                             stdout=stdout_file, stderr=follower, text=True)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    child.wait(timeout=60)
    os.close(leader)
    stdout_file.seek(0)
    stdout = stdout_file.read()
    stdout_file.close()
    return child.returncode, stdout, seen.decode("utf-8", "replace")


# Rich draws the bar when it starts and when it stops, however short the batch: a few dozen
# answers show it as well as hundreds, and each answer is ~3 ms of grading in the child.
BATCH = 60


def test_progress_bar_is_drawn_on_a_terminal_stderr_and_never_in_stdout(tmp_path):
    answers = tmp_path / "answers.jsonl"
    write_jsonl(answers, BATCH)
    code, stdout, terminal = _run_with_terminal_stderr(tmp_path, "critique", "--offline", "--format", "jsonl", str(answers))
    assert code == 0
    assert len(stdout.splitlines()) == BATCH and all(line.startswith("{") for line in stdout.splitlines())
    assert "grading" in terminal and f"/{BATCH}" in terminal  # counts of the bar
    assert f"{BATCH} of {BATCH} answers graded" in terminal  # the summary, for the person at the terminal
    code, _, quiet = _run_with_terminal_stderr(tmp_path, "critique", "--offline", "--no-progress", "--format", "jsonl", str(answers))
    assert f"/{BATCH}" not in quiet and f"{BATCH} of {BATCH} answers graded" in quiet


def test_fail_under_and_the_summary_list_the_weak_answers(run_coach, tmp_path):
    result = run_coach("critique", "--offline", "--fail-under", "100", "examples")
    assert result.returncode == 1
    assert "below 100:" in result.stdout


def _interrupt_when(command: list[str], written) -> tuple[int, str]:
    """Start coach and send it Ctrl-C once `written()` is true; its exit status and stderr."""
    child = subprocess.Popen([sys.executable, "-m", "coach", *command], cwd=REPO, env=_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not written():
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    return child.returncode, stderr


def _size(path) -> int:
    return path.stat().st_size if path.exists() else 0


def test_ctrl_c_keeps_the_lines_already_written(tmp_path):
    answers, out = tmp_path / "answers.jsonl", tmp_path / "out.jsonl"
    write_jsonl(answers, 5000)
    code, stderr = _interrupt_when(["critique", "--offline", "-o", str(out), str(answers)], lambda: _size(out) >= 20_000)
    assert code == 130 and "interrupted" in stderr and "Traceback" not in stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 0 < len(lines) < 5000
    assert [json.loads(line)["source"] for line in lines] == [f"{answers}#a{i:05d}" for i in range(len(lines))]


def test_a_note_printed_while_the_bar_is_drawn_gets_a_line_of_its_own(tmp_path):
    """The offline-engine note used to be glued to the bar ("…ETA -:--:--coach: note: …")."""
    answers = tmp_path / "answers.jsonl"
    write_jsonl(answers, BATCH)
    code, _, terminal = _run_with_terminal_stderr(tmp_path, "critique", "--format", "jsonl", str(answers))
    assert code == 0
    (note,) = [line for line in _screen_lines(terminal) if "coach: note:" in line]
    assert note == "coach: note: offline engine: OPENAI_API_KEY and OPENAI_BASE_URL are not set (--offline hides this note)"


def _screen_lines(terminal: str) -> list[str]:
    """What a terminal shows of each line: a carriage return starts it over, styles drawn
    nothing, and an erase-line sequence clears it."""
    shown = []
    for line in terminal.replace("\r\n", "\n").split("\n"):
        visible = line.rsplit("\r", 1)[-1]
        visible = visible.rsplit("\x1b[2K", 1)[-1]
        shown.append(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", visible).rstrip())
    return shown
