"""Text for a person at a terminal: score, STAR table, findings with evidence, verdict."""

from __future__ import annotations

from coach.models import Critique, Finding, InputError, Result
from coach.render.verdict import band, verdict
from coach.wording import clip, count_of

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
    score_style = _TONE_STYLE[band(c.score).tone]
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
_TONE_STYLE = {"good": "green", "fair": "yellow", "weak": "red"}


def _star_lines(c: Critique, paint: _Painter) -> list[str]:
    lines = ["", paint("STAR", "bold")]
    for name, part in c.star.parts():
        mark = paint("✔", "green") if part.present else paint("✘", "red")
        quote = f'"{clip(part.evidence[0].text)}"' if part.evidence else paint("missing", "dim")
        if part.present and not part.verified:
            quote = paint("claimed, but no quote could be verified", "yellow")
        lines.append(f"  {name.capitalize():<10}{mark}  {quote}")
    return lines


def _finding_lines(finding: Finding, paint: _Painter) -> list[str]:
    style = _SEVERITY_STYLE[finding.severity]
    head = f"  {paint(_SEVERITY_MARK[finding.severity], style)} {paint(finding.check, style)}: {finding.message}"
    lines = [head]
    if finding.span:
        lines.append(paint(f'      "{clip(finding.span.text, 110)}"', "dim"))
    if finding.suggestion:
        lines.append(f"      → {finding.suggestion}")
    return lines
