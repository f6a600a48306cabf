"""`coach questions` as text, JSON or Markdown: one selection of the question bank."""

from __future__ import annotations

import json

from coach.second_round.question_bank import Selection
from coach.wording import count_of


def render(selection: Selection, types: dict[str, dict], output_format: str) -> str:
    if output_format == "json":
        return json.dumps({"role": selection.role, "role_given": selection.role_given, "matched": selection.matched,
                           "questions": [q.to_dict() for q in selection.questions]}, indent=2, ensure_ascii=False) + "\n"
    markdown = output_format == "markdown"
    lines = [f"{'# ' if markdown else ''}Interview questions: {selection.role} ({count_of(len(selection.questions), 'question')})", ""]
    bank = None
    for q in selection.questions:
        if q.bank != bank:
            if bank is not None and markdown:
                lines.append("")
            bank = q.bank
            lines += [f"## {bank}" if markdown else bank, ""]
        label = types.get(q.type, {}).get("label", q.type)
        if markdown:
            lines += [f"- **{q.text}** _{label}_ — listens for {q.focus}. A strong answer {q.strong}."]
        else:
            lines += [f"  {q.text}", f"    {label} · listens for {q.focus}", f"    a strong answer {q.strong}", ""]
    return "\n".join(lines).rstrip() + "\n"
