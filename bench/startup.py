"""Start-up of the offline path: whole-process time of one answer, and what it imports.

    python bench/startup.py                 # 20 runs each of text and --format json
    python bench/startup.py --runs 50 --file examples/rambling.txt

Times `python -m coach critique FILE` (and `--format json`) as a user runs it, with no
OPENAI_* variables (so the offline engine) and an empty cache folder, after one untimed
warm-up run (which writes the .pyc files). Prints median, p90 and min against the 0.3 s
target of issue 2, the bare interpreter's start-up for reference, whether the heavy
libraries (openai, jinja2, rich, ...) were imported on the way, and the biggest import
costs from `python -X importtime`. Prints figures only; always exits 0.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.3
# Libraries the offline path must not import (issue 2: openai alone costs ~0.7 s).
MUST_NOT_IMPORT = ("openai", "httpx", "jinja2", "rich", "sqlite3", "platformdirs")
# Worth knowing about, but allowed where they are needed.
ALSO_REPORTED = ("pydantic", "click", "yaml", "charset_normalizer", "vaderSentiment", "requests")
_IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s+)(\S+)$")


def _env(cache_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "COACH_"))}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["COACH_CACHE_DIR"] = cache_dir
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time_runs(command: list[str], runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user+sys) seconds of each run; CPU time barely moves when the
    machine is busy with other work, wall-clock is what a user feels."""
    subprocess.run(command, env=env, cwd=REPO, capture_output=True, check=False)  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        cpu_before, start = _children_cpu(), time.perf_counter()
        result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu_before)
        if result.returncode != 0:
            print(f"  warning: exit {result.returncode}: {result.stderr.strip()[:200]}")
    return walls, cpus


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def _report(label: str, runs: tuple[list[float], list[float]]) -> float:
    walls, cpus = runs
    median = statistics.median(walls)
    verdict = "OK" if median < TARGET_SECONDS else "OVER"
    print(
        f"{label:<34} wall median {median:.3f} s  p90 {_p90(walls):.3f} s  min {min(walls):.3f} s  "
        f"| cpu median {statistics.median(cpus):.3f} s  ({len(walls)} runs)  target < {TARGET_SECONDS} s: {verdict}"
    )
    return median


def _imports(command: list[str], env: dict[str, str]) -> list[tuple[int, int, int, str]]:
    """(self µs, cumulative µs, depth, module) for every module the command imports."""
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    rows = []
    for line in result.stderr.splitlines():
        match = _IMPORTTIME_LINE.match(line)
        if match:
            own, cumulative, indent, name = match.groups()
            rows.append((int(own), int(cumulative), (len(indent) - 1) // 2, name))
    return rows


def _report_imports(rows: list[tuple[int, int, int, str]], top: int) -> None:
    names = {name for _, _, _, name in rows}
    print(f"\nmodules imported: {len(names)}")
    for package in MUST_NOT_IMPORT + ALSO_REPORTED:
        imported = any(name == package or name.startswith(package + ".") for name in names)
        flag = " <- should not be on the offline path" if imported and package in MUST_NOT_IMPORT else ""
        print(f"  {package:<20} {'imported' if imported else 'not imported'}{flag}")
    top_level = sorted(((cum, name) for _, cum, depth, name in rows if depth == 0), reverse=True)
    total = sum(cum for cum, _ in top_level)
    print(f"\nbiggest imports (cumulative, top level; all top level: {total / 1e6:.3f} s under -X importtime):")
    for cumulative, name in top_level[:top]:
        print(f"  {cumulative / 1e6:7.3f} s  {name}")
    heavy = sorted(((own, name) for own, _, _, name in rows), reverse=True)
    print("\nbiggest single modules (own time):")
    for own, name in heavy[:top]:
        print(f"  {own / 1e6:7.3f} s  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per command (default 20)")
    parser.add_argument("--file", default="examples/strong-star.md", help="answer file (default examples/strong-star.md)")
    parser.add_argument("--top", type=int, default=12, help="how many import costs to list")
    args = parser.parse_args()

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="coach-bench-cache-") as cache_dir:
        env = _env(cache_dir)
        load = f", load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores{load}, file {args.file}\n")
        _report("python -c pass (interpreter floor)", _time_runs([python, "-c", "pass"], args.runs, env))
        text_cmd = [python, "-m", "coach", "critique", args.file]
        json_cmd = [*text_cmd, "--format", "json"]
        _report("coach critique FILE", _time_runs(text_cmd, args.runs, env))
        _report("coach critique FILE --format json", _time_runs(json_cmd, args.runs, env))
        _report_imports(_imports(text_cmd, env), args.top)
        json_rows = _imports(json_cmd, env)
        extra = sorted({n for *_, n in json_rows} - {n for *_, n in _imports(text_cmd, env)})
        print(f"\n--format json imports beyond the text path: {', '.join(extra) if extra else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
