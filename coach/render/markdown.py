"""Markdown: the batch summary, then each answer (score, STAR, findings, suggestions).

Candidate text is untrusted: it is quoted with HTML special characters escaped, so an
answer cannot inject markup into a page that renders this report.
"""

from __future__ import annotations

import html
from typing import TextIO

from coach.models import Critique, InputError, Result
from coach.render.verdict import verdict


def render(entries: list[tuple[str | None, Result]], summary) -> str:
    import io

    buffer = io.StringIO()
    writer = Writer(buffer)
    for text, result in entries:
        writer.add(text, result)
    writer.finish(summary)
    return buffer.getvalue()


def summary_lines(summary) -> list[str]:
    head, *rest = summary.lines()
    lines = [_escape(head), ""]
    lines += [_escape(line) for line in rest]
    if summary.graded:
        lines += ["", "| Score | Answers |", "|---|---|"]
        lines += [f"| {band} | {count} |" for band, count in summary.distribution]
    return lines


def answer_lines(text: str | None, result: Result) -> list[str]:
    if isinstance(result, InputError):
        return [f"### {_escape(result.source)}: not graded", "", f"Error: {_escape(result.reason)}"]
    c: Critique = result
    lines = [f"### {_escape(c.source)}: {c.score}/100", ""]
    meta = [f"{c.engine} engine" + (f" ({_escape(c.model)})" if c.model else "")]
    if c.cached:
        meta.append("from cache")
    if c.fallback_reason:
        meta.append(f"fell back to offline: {_escape(c.fallback_reason)}")
    lines += [" · ".join(meta), ""]
    if c.question:
        lines += [f"**Question:** {_escape(c.question)}", ""]
    if text:
        lines += [*(f"> {_escape(line)}" if line.strip() else ">" for line in text.splitlines()), ""]
    lines += ["| Part | Present | Evidence |", "|---|---|---|"]
    for name, part in c.star.parts():
        quote = f'"{_cell(part.evidence[0].text)}"' if part.evidence else ""
        lines.append(f"| {name.capitalize()} | {'yes' if part.present else 'no'} | {quote} |")
    lines.append("")
    if c.findings:
        lines.append("**Findings**")
        lines.append("")
        for f in c.findings:
            quote = f' — "{_escape(" ".join(f.span.text.split()))}"' if f.span else ""
            lines.append(f"- {f.severity} · {f.check}: {_escape(f.message)}{quote}")
        lines.append("")
    if c.strengths:
        lines += ["**Strengths**", "", *(f"- {_escape(s)}" for s in c.strengths), ""]
    if c.suggestions:
        lines += ["**Suggestions**", "", *(f"- {_escape(s)}" for s in c.suggestions), ""]
    lines.append(f"**Verdict:** {_escape(verdict(c))}")
    return lines


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _cell(text: str) -> str:
    return _escape(" ".join(text.split())).replace("|", "\\|")


class Writer:
    """Markdown puts the summary first, so sections are kept until the batch ends."""

    def __init__(self, out: TextIO):
        self.out = out
        self.sections: list[str] = []

    def add(self, answer_text: str | None, result: Result) -> None:
        self.sections.append("\n".join(answer_lines(answer_text, result)))

    def finish(self, summary) -> None:
        head = ["# Interview answers: batch report", "", "## Summary", "", *summary_lines(summary), "", "## Answers"]
        self.out.write("\n".join(head) + "\n")
        for section in self.sections:
            self.out.write("\n" + section + "\n")
        self.out.flush()
