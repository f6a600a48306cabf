"""Check the training corpus: every line is a well-formed answer (training/README.md).

    python training/validate.py [FILE_OR_FOLDER...]     # default: training/answers

Prints one line per problem and a count per register; exits 1 if anything is wrong.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

QUESTION_TYPES = {"story", "weakness", "strength", "why_leaving", "why_us", "why_hire",
                  "about_yourself", "questions_for_us", "technical", "other"}
STAR = {"situation", "task", "action", "result"}
TONES = {"blame", "hard_neutral", "own_feelings", "none"}
QUALITY = {"good", "mixed", "bad"}
FIELDS = {"id", "role", "question", "question_type", "sentences", "quantified", "rambling", "dodge", "quality"}
CORPUS = Path(__file__).parent / "answers"


def problems(row: object) -> list[str]:
    if not isinstance(row, dict):
        return ["not a JSON object"]
    found = []
    if set(row) != FIELDS:
        found.append(f"fields {sorted(set(row) ^ FIELDS)} missing or unexpected")
    if row.get("question_type") not in QUESTION_TYPES:
        found.append(f"question_type {row.get('question_type')!r}")
    for name in ("quantified", "rambling", "dodge"):
        if not isinstance(row.get(name), bool):
            found.append(f"{name} must be true/false")
    if row.get("quality") not in QUALITY:
        found.append(f"quality {row.get('quality')!r}")
    for key in ("id", "role", "question"):
        if not isinstance(row.get(key), str) or not row.get(key, "").strip():
            found.append(f"{key} must be non-empty text")
    sentences = row.get("sentences")
    if not isinstance(sentences, list) or not sentences:
        return found + ["sentences must be a non-empty list"]
    for number, sentence in enumerate(sentences, start=1):
        if not isinstance(sentence, dict) or set(sentence) != {"text", "star", "tone"}:
            found.append(f"sentence {number}: needs exactly text, star, tone")
            continue
        if not isinstance(sentence["text"], str) or not sentence["text"].strip():
            found.append(f"sentence {number}: empty text")
        if not isinstance(sentence["star"], list) or not set(sentence["star"]) <= STAR:
            found.append(f"sentence {number}: star {sentence['star']!r}")
        if sentence["tone"] not in TONES:
            found.append(f"sentence {number}: tone {sentence['tone']!r}")
    return found


def files(args: list[str]) -> list[Path]:
    paths = [Path(a) for a in args] or [CORPUS]
    return sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.jsonl")))


def main(args: list[str]) -> int:
    bad, ids = 0, Counter()
    answers, sentences = Counter(), Counter()
    for path in files(args):
        register = path.parent.name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{path}:{number}: invalid JSON ({error.msg})")
                bad += 1
                continue
            for problem in problems(row):
                print(f"{path}:{number}: {problem}")
                bad += 1
            if isinstance(row, dict):
                ids[row.get("id")] += 1
                if not str(row.get("id", "")).startswith(register + "-"):
                    print(f"{path}:{number}: id must start with {register}-")
                    bad += 1
                answers[register] += 1
                sentences[register] += len(row.get("sentences") or [])
    for duplicate in (i for i, n in ids.items() if n > 1):
        print(f"duplicate id {duplicate!r}")
        bad += 1
    for register in sorted(answers):
        print(f"{register:18} {answers[register]:5} answers {sentences[register]:6} sentences")
    print(f"{'total':18} {sum(answers.values()):5} answers {sum(sentences.values()):6} sentences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
