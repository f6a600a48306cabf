"""`coach progress` and `coach compare` for a person (text) or a program (JSON)."""

from __future__ import annotations

import json

from coach.practice import Comparison, Progress
from coach.wording import count_of


def progress_text(report: Progress) -> str:
    if not report.attempts:
        return "No practice yet: try `coach practice`.\n"
    lines = [f"{count_of(report.attempts, 'attempt')} over {count_of(len(report.questions), 'question')}", ""]
    for q in report.questions:
        trend = " → ".join(str(s) for s in q.scores[-6:])
        lines.append(f"  {trend:24}  best {q.best:3}  {q.question}")
    lines += ["", "Criteria (mean rating 1-5, first attempts → latest)"]
    for name, (first, latest) in report.criteria.items():
        lines.append(f"  {name:12} {first:4.1f} → {latest:4.1f}")
    if report.weakest:
        lines += ["", f"Weakest now: {report.weakest}. Work on it next."]
    return "\n".join(lines) + "\n"


def comparison_text(c: Comparison) -> str:
    lines = [f"score {c.old.score} → {c.new.score}  ({c.new.score - c.old.score:+d})", ""]
    for name, old, new in c.ratings():
        change = "" if old == new else ("  better" if (new or 0) > (old or 0) else "  worse")
        lines.append(f"  {name:12} {old if old is not None else '-'} → {new if new is not None else '-'}{change}")
    if c.fixed:
        lines += ["", "Fixed"] + [f"  ✔ {f.check}: {f.message}" for f in c.fixed]
    if c.new_findings:
        lines += ["", "New"] + [f"  ✖ {f.check}: {f.message}" for f in c.new_findings]
    return "\n".join(lines) + "\n"


def as_json(payload: dict) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
