"""Our examples through a real local model: llama.cpp's server with SmolLM2-135M-Instruct.

    python bench/llama_local.py                       # starts the server, grades examples/*
    python bench/llama_local.py --base-url http://127.0.0.1:8000/v1 --model smollm2   # your own server

Runs the real command once, as a batch, and times each answer as its line arrives:
    coach critique examples/... --format jsonl --jobs 1 --timeout 300 --max-retries 0 --no-cache
then prints seconds per answer, how many came back from the model (`llm`) or fell back to the
offline engine (and why), and how many of the model's quotes were dropped (invented: not in the
answer; or empty: filler such as "you know"): counted from the `evidence` finding of an `llm`
critique ("Dropped N quote(s)…") and from the fallback reason of a junk reply ("N of M quotes
were dropped").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from tests.llama_server import LlamaServer, missing  # noqa: E402

_DROPPED = re.compile(r"Dropped (\d+) quote")
_JUNK_QUOTES = re.compile(r"(\d+) of (\d+) quotes were dropped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="answer files [default: examples/*]")
    parser.add_argument("--base-url", help="an already running OpenAI-compatible server (else one is started)")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads of the started server")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    paths = args.paths or sorted(str(p) for p in (REPO / "examples").iterdir() if p.suffix in (".txt", ".md"))

    if args.base_url:
        report(run(args.base_url, args.model, paths, args.timeout), args.base_url, args.model)
        return
    reason = missing()
    if reason:
        sys.exit(f"cannot start llama.cpp: {reason}")
    start = time.perf_counter()
    with LlamaServer.start(threads=args.threads) as server:
        print(f"llama_cpp.server ready in {time.perf_counter() - start:.1f} s "
              f"(threads {args.threads}, n_ctx 4096, model SmolLM2-135M-Instruct Q4_1)")
        results = run(server.url, server.model, paths, args.timeout)
        statuses = server.statuses()
    report(results, server.url, server.model)
    print(f"server saw {len(statuses)} chat requests: {dict(Counter(statuses))} by HTTP status")


def run(base_url: str, model: str, paths: list[str], timeout: float) -> list[tuple[float, dict]]:
    """(seconds this answer took, its critique) per answer, in order."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "COACH_"))}
    env |= {"PYTHONPATH": str(REPO), "OPENAI_BASE_URL": base_url, "COACH_MODEL": model}
    command = [sys.executable, "-m", "coach", "critique", *paths, "--format", "jsonl", "--jobs", "1",
               "--timeout", f"{timeout:g}", "--max-retries", "0", "--no-cache", "--no-progress"]
    results = []
    last = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                          cwd=REPO) as process:
        for line in process.stdout:
            now = time.perf_counter()
            results.append((now - last, json.loads(line)))
            last = now
        stderr = process.stderr.read()
    if process.returncode != 0 or "Traceback" in stderr:
        sys.exit(f"coach exited {process.returncode}:\n{stderr[-3000:]}")
    return results


def report(results: list[tuple[float, dict]], base_url: str, model: str) -> None:
    print(f"{len(results)} answers via {base_url} (model {model}), one at a time\n")
    print(f"{'answer':<28} {'seconds':>7} {'engine':<8} {'requests':>8} {'tokens out':>10} {'dropped':>7}  reason")
    engines, dropped_by_engine, quotes_in_junk = Counter(), Counter(), 0
    for seconds, critique in results:
        dropped, quoted = dropped_quotes(critique)
        dropped_by_engine[critique["engine"]] += dropped
        quotes_in_junk += quoted or 0
        usage = critique.get("usage") or {}
        engines[critique["engine"]] += 1
        print(f"{Path(critique['source']).name:<28} {seconds:>7.1f} {critique['engine']:<8} "
              f"{usage.get('requests', 0):>8} {usage.get('completion_tokens', 0):>10} {dropped:>7}  "
              f"{critique.get('fallback_reason') or ''}")
    seconds = [s for s, _ in results]
    print(f"\nseconds per answer: mean {sum(seconds) / len(seconds):.1f}, min {min(seconds):.1f}, "
          f"max {max(seconds):.1f} (the first includes the rejected json_schema request)")
    print(f"engine: {engines['llm']} llm, {engines['offline']} offline fallback")
    print(f"quotes dropped: {sum(dropped_by_engine.values())} — {dropped_by_engine['offline']} of "
          f"{quotes_in_junk} in the replies rejected as junk, {dropped_by_engine['llm']} in the `llm` critiques")


def dropped_quotes(critique: dict) -> tuple[int, int | None]:
    """(quotes dropped, quotes given if known) for one critique."""
    junk = _JUNK_QUOTES.search(critique.get("fallback_reason") or "")
    if junk:
        return int(junk.group(1)), int(junk.group(2))
    for finding in critique.get("findings", []):
        if finding["check"] == "evidence":
            found = _DROPPED.search(finding["message"])
            if found:
                return int(found.group(1)), None
    return 0, None


if __name__ == "__main__":
    main()
