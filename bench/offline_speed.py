"""In-process speed of the offline engine: answers per second of `coach.rules.offline.critique`, and
where the time goes.

    python bench/offline_speed.py                      # synthetic answers + the training corpus
    python bench/offline_speed.py answers.jsonl        # jsonl rows with `answer` (and `question`)
    python bench/offline_speed.py answers.jsonl --passes 7

After one untimed warm-up pass (weights, lexicons, regexes, caches), times several passes over
every answer and prints the median answers/s against the 1,000 answers/s target. Then three
passes staged by hand (the least time of each stage kept) split an answer's time into: the
Document (sentences, tokens), the sentence models' features, their scoring, each check's run
(with the scores already shared, as in a real critique after the first check asks), and the
rest of `critique` (ratings, score, building the Critique): so the figures say where to look.
Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from coach.checks import registry  # noqa: E402
from coach.learned import decide  # noqa: E402
from coach.learned.features import document_features  # noqa: E402
from coach.learned.model import sentence_model  # noqa: E402
from coach.models import Answer  # noqa: E402
from coach.rules import offline  # noqa: E402
from coach.rules.text import Document  # noqa: E402
from tests.synthetic_answers import answer as synthetic_answer  # noqa: E402

TARGET = 1000
SYNTHETIC = 500


def default_answers() -> list[Answer]:
    """Synthetic answers (tests/synthetic_answers.py, fixed seed) and every training-corpus answer."""
    rng = random.Random(4)
    answers = [Answer(text=synthetic_answer(rng)) for _ in range(SYNTHETIC)]
    for path in sorted((REPO / "training" / "answers").glob("**/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                text = " ".join(s["text"] for s in row["sentences"])
                answers.append(Answer(text=text, question=row.get("question")))
    return answers


def file_answers(path: str) -> list[Answer]:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Answer(text=row["answer"], question=row.get("question")) for row in rows]


def timed_pass(answers: list[Answer]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one pass (CPU time barely moves when other work shares
    the machine; wall-clock is what a user waits)."""
    start, cpu = time.perf_counter(), time.process_time()
    for answer in answers:
        offline.critique(answer)
    return time.perf_counter() - start, time.process_time() - cpu


def stage_pass(answers: list[Answer]) -> dict[str, float]:
    """Seconds per stage over all answers, the stages of one critique run by hand."""
    model, checks = sentence_model(), registry()
    totals: dict[str, float] = {"document": 0.0, "features": 0.0, "scoring": 0.0}
    totals.update({f"check {name}": 0.0 for name in checks})
    clock = time.perf_counter
    for answer in answers:
        t0 = clock()
        document = Document(answer.text, answer.question)
        t1 = clock()
        features = document_features(document)
        t2 = clock()
        # Stored where decide.scores keeps them, so the checks share them as in a critique.
        document.memo[decide.scores.__wrapped__] = [model._score(f) for f in features]
        t3 = clock()
        totals["document"] += t1 - t0
        totals["features"] += t2 - t1
        totals["scoring"] += t3 - t2
        for name, check in checks.items():
            t4 = clock()
            check.run(document)
            totals[f"check {name}"] += clock() - t4
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", help="jsonl of answers (default: synthetic + training corpus)")
    parser.add_argument("--passes", type=int, default=5, help="timed passes (default 5)")
    args = parser.parse_args()
    answers = file_answers(args.file) if args.file else default_answers()
    label = args.file or f"{SYNTHETIC} synthetic + training corpus"
    print(f"{len(answers)} answers ({label}), python {sys.version.split()[0]}")

    timed_pass(answers)  # warm-up
    timings = [timed_pass(answers) for _ in range(args.passes)]
    seconds = [wall for wall, _ in timings]
    median = statistics.median(seconds)
    rate = len(answers) / median
    verdict = "OK" if rate >= TARGET else "UNDER"
    print(
        f"critique: median {rate:,.0f} answers/s (best {len(answers) / min(seconds):,.0f}, "
        f"worst {len(answers) / max(seconds):,.0f}; {args.passes} passes)  target >= {TARGET:,}: {verdict}"
    )
    cpu = statistics.median(c for _, c in timings)
    print(f"          by CPU time: median {len(answers) / cpu:,.0f} answers/s")

    # The least of three staged passes per stage: the machine's noise only ever adds time.
    passes = [stage_pass(answers) for _ in range(3)]
    stages = {name: min(p[name] for p in passes) for name in passes[0]}
    staged = sum(stages.values())
    stages["rest of critique"] = max(0.0, median - staged)
    print("\nper answer, by stage (least of 3 staged passes; 'rest' = median critique pass minus the stages):")
    for name, total in sorted(stages.items(), key=lambda item: -item[1]):
        print(f"  {name:<22} {1e6 * total / len(answers):8.1f} µs  {100 * total / median:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
