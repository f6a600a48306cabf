"""LLM batch against a loopback OpenAI-compatible server that answers after a fixed delay.

    python bench/batch_llm.py                     # 200 answers, 0.25 s per reply, --jobs 16

Runs the real command, each cold run in a fresh interpreter with an empty cache folder (after
one untimed run that writes coach's bytecode, which an installed coach has):
    coach critique answers.jsonl --jobs 16 --format jsonl -o out.jsonl --no-progress
then once more on the filled cache (it should send 0 requests). For each run it prints the
requests the server received (counted on the server) and the command's wall time against
the ideal ceil(N / jobs) * delay, split into:
  start-up  process start to the first request (interpreter, coach, `import openai`, client);
  grading   the first request in to the process's exit: the batch itself;
  span      first request in to last reply out, as the server saw it.
`import openai` alone in a fresh interpreter is timed too: start-up does not shrink with N.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.grounded_reply import grounded_review  # noqa: E402
from tests.openai_server import OpenAIServer, reply  # noqa: E402
from tests.synthetic_answers import write_jsonl  # noqa: E402


class Clock:
    """When the server saw each request arrive and (after the delay) answered it."""

    def __init__(self, delay: float):
        self.delay, self.lock = delay, threading.Lock()
        self.first_in = self.last_out = None

    def respond(self, body: dict):
        now = time.perf_counter()
        with self.lock:
            self.first_in = now if self.first_in is None else min(self.first_in, now)
            self.last_out = max(self.last_out or 0.0, now + self.delay)
        return reply(grounded_review(body), delay=self.delay)


def run(server: OpenAIServer, clock: Clock, answers: Path, out: Path, cache: Path, jobs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_BASE_URL": server.url, "COACH_CACHE_DIR": str(cache)}
    env.pop("OPENAI_API_KEY", None)
    # An installed coach has its bytecode (pip compiles at install), as bench/startup.py measures:
    # with this set, every run would compile coach's modules again, a cost no user pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = server.count
    clock.first_in = clock.last_out = None
    command = [sys.executable, "-m", "coach", "critique", str(answers), "--jobs", str(jobs),
               "--format", "jsonl", "-o", str(out), "--no-progress"]
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    if result.returncode != 0:
        sys.exit(f"coach exited {result.returncode}:\n{result.stderr[-3000:]}")
    span = (clock.last_out - clock.first_in) if clock.first_in is not None else 0.0
    return {
        "to_first_request": (clock.first_in - start) if clock.first_in is not None else None,
        "after_last_reply": (start + wall - clock.last_out) if clock.last_out is not None else None,
        "requests": server.count - before,
        "wall": wall,
        "span": span,
        "answers": len(lines),
        "cached": sum(line.get("cached", False) for line in lines),
        "fallbacks": sum(bool(line.get("fallback_reason")) for line in lines),
    }


# The same requests through the bare openai SDK in a fresh interpreter, `jobs` threads and no
# coach work: what the grading span would be if coach's own work per answer cost nothing.
_BARE_SDK = """
import json, sys, threading
import openai
url, path, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = [json.loads(line)["answer"] for line in open(path, encoding="utf-8")]
client = openai.OpenAI(api_key="not-needed", base_url=url)
lock = threading.Lock()
def work():
    while True:
        with lock:
            if not texts:
                return
            text = texts.pop()
        body = {"model": "m", "messages": [{"role": "user", "content": "<answer>\\n" + text + "\\n</answer>"}]}
        client.post("/chat/completions", body=body, cast_to=str)
threads = [threading.Thread(target=work) for _ in range(jobs)]
for thread in threads: thread.start()
for thread in threads: thread.join()
"""


def bare_sdk_span(server: OpenAIServer, clock: Clock, answers: Path, jobs: int) -> float:
    clock.first_in = clock.last_out = None
    subprocess.run([sys.executable, "-c", _BARE_SDK, server.url, str(answers), str(jobs)], check=True)
    return clock.last_out - clock.first_in


def import_openai_seconds(runs: int = 3) -> float:
    code = "import time; t = time.perf_counter(); import openai; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
             for _ in range(runs)]
    return statistics.median(times)


def report(name: str, r: dict, ideal: float) -> None:
    print(f"{name:<11} requests {r['requests']:>4}   wall {r['wall']:.2f} s = {r['wall'] / ideal:.2f}x ideal   "
          f"{r['answers']} answers, {r['cached']} cached, {r['fallbacks']} fallbacks")
    if r["requests"]:
        grading = r["wall"] - r["to_first_request"]
        print(f"{'':<11} start-up {r['to_first_request']:.2f} s | grading {grading:.2f} s = {grading / ideal:.2f}x ideal "
              f"(span {r['span']:.2f} s = {r['span'] / ideal:.2f}x, exit {r['after_last_reply']:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.25)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3, help="cold runs, each with an empty cache")
    args = parser.parse_args()
    ideal = math.ceil(args.answers / args.jobs) * args.delay
    clock = Clock(args.delay)
    with tempfile.TemporaryDirectory() as folder, OpenAIServer(default=clock.respond) as server:
        answers, out, cache = Path(folder) / "answers.jsonl", Path(folder) / "out.jsonl", Path(folder) / "cache"
        write_jsonl(answers, args.answers)
        print(f"{args.answers} answers, {args.delay} s per reply, --jobs {args.jobs}: ideal ceil(N/jobs)*delay = {ideal:.2f} s")
        print(f"import openai alone, fresh interpreter: {import_openai_seconds():.2f} s (median of 3)")
        cold = []
        shutil.rmtree(cache, ignore_errors=True)
        run(server, clock, answers, out, cache, args.jobs)  # untimed: writes coach's bytecode, as an install does
        for number in range(1, args.runs + 1):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(run(server, clock, answers, out, cache, args.jobs))
            report(f"cold run {number}", cold[-1], ideal)
        report("cached run", run(server, clock, answers, out, cache, args.jobs), ideal)
        bare = bare_sdk_span(server, clock, answers, args.jobs)
        print(f"bare openai SDK, same requests and threads, no coach work: span {bare:.2f} s = {bare / ideal:.2f}x ideal")
        if len(cold) > 1:
            wall = statistics.median(r["wall"] for r in cold)
            grading = statistics.median(r["wall"] - r["to_first_request"] for r in cold)
            print(f"median of {len(cold)} cold runs: wall {wall / ideal:.2f}x ideal, grading {grading / ideal:.2f}x ideal")

if __name__ == "__main__":
    main()
