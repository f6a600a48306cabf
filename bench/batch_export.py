"""`coach batch export` at scale: wall time and peak memory of writing a Batch API input file.

    python bench/batch_export.py                  # 1,000 and 10,000 answers
    python bench/batch_export.py --sizes 20000

Each size runs the real command in a fresh child process with an empty cache folder and no
OPENAI_* variables (export sends nothing),
    coach batch export answers.jsonl -o requests.jsonl
and reports the requests written (one per distinct answer), wall time, answers/s, the file's size and the child's peak RSS (getrusage).
Answers are read, turned into request lines and written one at a time, so the peak should
barely move between sizes while the file grows tenfold. Prints figures only; exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.batch_offline import run_child  # noqa: E402
from tests.synthetic_answers import write_jsonl  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000)


def export_once(size: int, folder: Path) -> dict:
    answers, requests = folder / f"answers-{size}.jsonl", folder / f"requests-{size}.jsonl"
    write_jsonl(answers, size)
    cache = folder / f"cache-{size}"
    env_before = dict(os.environ)
    # The child inherits os.environ (run_child): an empty cache, and never a real endpoint.
    for name in [n for n in os.environ if n.startswith(("OPENAI_", "COACH_"))]:
        del os.environ[name]
    os.environ["COACH_CACHE_DIR"] = str(cache)
    try:
        wall, peak_kib, done = run_child([sys.executable, "-m", "coach", "batch", "export", str(answers), "-o", str(requests)])
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    if done.returncode != 0:
        raise SystemExit(f"export of {size} answers failed ({done.returncode}): {done.stderr.strip()}")
    lines = sum(1 for _ in requests.open("rb"))
    return {"size": size, "wall": wall, "peak_mib": peak_kib / 1024, "lines": lines,
            "file_mb": requests.stat().st_size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    args = parser.parse_args()
    print(f"coach batch export, one child process per size ({time.strftime('%Y-%m-%d %H:%M')})")
    print(f"{'answers':>8} {'requests':>9} {'wall s':>8} {'answers/s':>10} {'file MB':>8} {'peak RSS MiB':>13}")
    with tempfile.TemporaryDirectory(prefix="coach-bench-export-") as folder:
        for size in args.sizes:
            row = export_once(size, Path(folder))
            # Fewer requests than answers: the synthetic cohort repeats a few answers word for word,
            # and one request serves every copy (same custom_id).
            assert 0 < row["lines"] <= size, f"{row['lines']} request lines for {size} answers"
            print(f"{size:>8} {row['lines']:>9} {row['wall']:>8.1f} {size / row['wall']:>10.0f} {row['file_mb']:>8.1f} "
                  f"{row['peak_mib']:>13.1f}")


if __name__ == "__main__":
    main()
