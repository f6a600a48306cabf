"""Text for a person at a terminal: score, STAR table, findings with evidence, verdict."""

from __future__ import annotations

from coach.models import Critique, Finding, InputError, Result
from coach.wording import count_of

_STYLES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
_SEVERITY_STYLE = {"problem": "red", "warning": "yellow", "info": "cyan"}
_SEVERITY_MARK = {"problem": "✖", "warning": "!", "info": "·"}


class _Painter:
    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_STYLES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def render(results: list[Result], *, color: bool = False) -> str:
    paint = _Painter(color)
    blocks = [_render_one(result, paint) for result in results]
    return "\n\n".join(blocks) + "\n"


def _render_one(result: Result, paint: _Painter) -> str:
    if isinstance(result, InputError):
        return f"{paint(result.source, 'bold')}: {paint('error', 'red', 'bold')}: {result.reason}"
    return "\n".join(_critique_lines(result, paint))


def _critique_lines(c: Critique, paint: _Painter) -> list[str]:
    score_style = "green" if c.score >= 70 else "yellow" if c.score >= 45 else "red"
    engine = c.engine + (f" · {c.model}" if c.model else "")
    lines = [f"{paint(c.source, 'bold')}  score {paint(f'{c.score}/100', score_style, 'bold')}  ({engine} engine)"]
    if c.fallback_reason:
        lines.append(paint(f"  fell back to offline: {c.fallback_reason}", "yellow"))
    if c.question:
        lines.append(paint(f"  Q: {c.question}", "dim"))
    if c.kind == "answer":
        lines += _star_lines(c, paint)
    else:
        lines += ["", paint(KIND_TITLES[c.kind], "bold")]
        lines += [f"  {name.replace('_', ' '):16}{rating}/5" for name, rating in c.ratings.items()]
    m = c.metrics
    if c.kind == "answer":
        lines += [
            "",
            f"{count_of(m.words, 'word')} · ~{m.speaking_seconds:.0f} s spoken · {count_of(m.sentences, 'sentence')} · "
            f"{count_of(m.filler_words, 'filler word')} · {count_of(c.checks.specificity.numbers, 'number')}",
        ]
    else:
        lines += ["", f"{count_of(m.words, 'word')} · {count_of(m.sentences, 'sentence')}"]
    if c.findings:
        lines += ["", paint("Findings", "bold")]
        for finding in c.findings:
            lines += _finding_lines(finding, paint)
    if c.strengths:
        lines += ["", paint("Strengths", "bold")] + [f"  + {s}" for s in c.strengths]
    if c.suggestions:
        lines += ["", paint("Suggestions", "bold")] + [f"  → {s}" for s in c.suggestions]
    if c.rewrite:
        heading = "A template to fill in with your own facts" if c.rewrite_is_template else "A stronger version"
        lines += ["", paint(heading, "bold"), *(f"  {line}" for line in c.rewrite.splitlines())]
    lines += ["", f"{paint('Verdict', 'bold')}: {verdict(c)}"]
    return lines


KIND_TITLES = {"thank-you": "Thank-you email", "questions": "Questions to ask"}


def _star_lines(c: Critique, paint: _Painter) -> list[str]:
    lines = ["", paint("STAR", "bold")]
    for name, part in c.star.parts():
        mark = paint("✔", "green") if part.present else paint("✘", "red")
        quote = f'"{_clip(part.evidence[0].text)}"' if part.evidence else paint("missing", "dim")
        if part.present and not part.verified:
            quote = paint("claimed, but no quote could be verified", "yellow")
        lines.append(f"  {name.capitalize():<10}{mark}  {quote}")
    return lines


def _finding_lines(finding: Finding, paint: _Painter) -> list[str]:
    style = _SEVERITY_STYLE[finding.severity]
    head = f"  {paint(_SEVERITY_MARK[finding.severity], style)} {paint(finding.check, style)}: {finding.message}"
    lines = [head]
    if finding.span:
        lines.append(paint(f'      "{_clip(finding.span.text, 110)}"', "dim"))
    if finding.suggestion:
        lines.append(f"      → {finding.suggestion}")
    return lines


def verdict(c: Critique) -> str:
    if c.kind != "answer":
        return _kind_verdict(c)
    missing = [name for name, part in c.star.parts() if not part.present and name != "task"]
    problems = [f.check for f in c.findings if f.severity == "problem" and f.check not in ("star",)]
    if c.score >= 80 and not problems:
        if c.findings or c.suggestions:
            return "Strong answer. Polish the points noted and it is ready."
        return "Strong answer, ready as it is."
    issues = []
    if missing:
        issues.append("no " + " or ".join(missing))
    if c.checks.negativity.flagged:
        issues.append("negative about others")
    if c.checks.rambling.flagged:
        issues.append("rambling")
    if not c.checks.specificity.quantified:
        issues.append("no numbers")
    summary = ", ".join(issues) if issues else "see the findings"
    level = "Promising" if c.score >= 60 else "Needs work" if c.score >= 35 else "Weak"
    return f"{level}: {summary}."


_KIND_NOUNS = {"thank-you": "email", "questions": "set of questions"}


def _kind_verdict(c: Critique) -> str:
    """A thank-you email or a set of questions: the level, and what weighs most against it."""
    noun = _KIND_NOUNS[c.kind]
    worst = [f.message.rstrip(".") for f in c.findings if f.severity == "problem"]
    worst = worst or [f.message.rstrip(".") for f in c.findings if f.severity == "warning"]
    if c.score >= 80 and not any(f.severity == "problem" for f in c.findings):
        to_polish = any(f.severity != "info" for f in c.findings)
        return f"Strong {noun}." + (" Polish the points noted and it is ready." if to_polish else " Ready as it is.")
    level = "Promising" if c.score >= 60 else "Needs work" if c.score >= 35 else "Weak"
    return f"{level}: {worst[0].lower() if worst else 'see the findings'}."


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
