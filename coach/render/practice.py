"""`coach progress` (text, JSON, or an HTML page with a chart) and `coach compare` (text, JSON)."""

from __future__ import annotations

import json

from coach.second_round.practice import Comparison, Progress
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


def progress_html(report: Progress, scores: list[tuple[str, int]]) -> str:
    """The progress page: `scores` are (date, score) of every attempt, oldest first."""
    from coach.render.html import template

    return template("progress.html.j2").render(report=report, chart=_line_chart(scores))


def _line_chart(scores: list[tuple[str, int]]) -> dict:
    """Point geometry for the inline SVG: one point per attempt, score 0-100 upwards."""
    width, height, top, bottom, left = 640, 220, 16, 30, 40
    step = (width - left - 10) / max(len(scores) - 1, 1)
    points = [{"x": round(left + i * step, 1), "y": round(height - bottom - (height - top - bottom) * score / 100, 1),
               "label": f"{when}: {score}"} for i, (when, score) in enumerate(scores)]
    return {"width": width, "height": height, "top": top, "base": height - bottom, "points": points}
