"""Offline batch at scale: answers per second and peak memory, at two batch sizes.

    python bench/batch_offline.py                      # 1,000 and 10,000 answers
    python bench/batch_offline.py --sizes 2000 --processes

Each size runs the real command in a fresh child process,
    coach critique answers.jsonl --offline --format jsonl -o out.jsonl --no-progress
and reports wall time, answers/s and the child's peak RSS (getrusage). If memory did not
grow with N beyond the results written, the two peaks are close. --processes also runs
the same pipeline with a 2-process pool, to show whether processes pay for themselves.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.synthetic_answers import write_jsonl  # noqa: E402

# The pipeline of `coach critique` (read rows -> grade -> jsonl -> summary), with a process
# pool instead of the calling thread: only to measure whether processes would be worth it.
_WITH_PROCESSES = """
import sys
from concurrent.futures import ProcessPoolExecutor
from coach.rules import offline
from coach.batch import grade_all
from coach.inputs.readers import read_answers
from coach.render.jsonl import Writer
from coach.batch.summary import SummaryBuilder
source, out_path, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
summary = SummaryBuilder()
with open(out_path, "w", encoding="utf-8") as out, ProcessPoolExecutor(workers) as pool:
    writer = Writer(out)
    for graded in grade_all(read_answers([source]), offline.critique, jobs=workers, executor=pool, window=64):
        text = graded.answer.text if graded.answer else None
        writer.add(text, graded.result)
        summary.add(text, graded.result)
print(summary.build().headline())
"""


def run_child(command: list[str]) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = child.stdout.read(), child.stderr.read()
    return wall, usage.ru_maxrss, subprocess.CompletedProcess(command, child.returncode, stdout, stderr)


def measure(label: str, command: list[str], out: Path, size: int) -> None:
    wall, peak_kib, result = run_child(command)
    lines = sum(1 for _ in out.open(encoding="utf-8"))
    if result.returncode not in (0, 1) or lines != size:
        sys.exit(f"{label}: failed (exit {result.returncode}, {lines} lines)\n{result.stderr[-2000:]}")
    summary = (result.stdout.strip().splitlines() or [""])[0]
    print(f"{label:<28}{size:>7} answers {wall:>7.1f} s {size / wall:>8.0f} answers/s  peak RSS {peak_kib / 1024:>6.1f} MiB   {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated batch sizes")
    parser.add_argument("--processes", action="store_true", help="also measure a 2-process pool")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            answers, out = Path(folder) / f"answers-{size}.jsonl", Path(folder) / "out.jsonl"
            write_jsonl(answers, size)
            cli = [sys.executable, "-m", "coach", "critique", str(answers), "--offline", "--format", "jsonl",
                   "-o", str(out), "--no-progress"]
            measure("coach critique (1 thread)", cli, out, size)
            if args.processes:
                pooled = [sys.executable, "-c", _WITH_PROCESSES, str(answers), str(out), "2"]
                measure("same, 2-process pool", pooled, out, size)


if __name__ == "__main__":
    main()
