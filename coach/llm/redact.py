"""--redact: obvious personal details never leave the machine.

Emails, phone numbers, URLs, IP addresses, card/account-like numbers and @handles are
replaced by numbered placeholders ("[EMAIL_1]") before anything is sent; the mapping
stays here so the model's quotes and rewrite can be mapped back to the candidate's words.
Numbers that carry the story ("40%", "2019", "$1.2M", "3 weeks") are left alone.
"""

from __future__ import annotations

import re
# Order matters: URLs before emails (a URL may contain "@"), emails before handles.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("URL", re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")),
    ("EMAIL", re.compile(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")),
    ("IP", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    # Cards, IBAN-like and account numbers: 13+ digits, optionally grouped.
    ("NUMBER", re.compile(r"\b(?:[A-Z]{2}\d{2}[ ]?)?(?:\d[ -]?){12,}\d\b")),
    # Phones: an optional +country code, then 9+ digits in groups ("(555) 123-4567", "07700 900123").
    ("PHONE", re.compile(r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,8}){1,4}(?![\w%])")),
    ("HANDLE", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,30}\b")),
)
_MIN_PHONE_DIGITS = 9
_PLACEHOLDER = re.compile(r"\[(?:URL|EMAIL|IP|NUMBER|PHONE|HANDLE)_\d+\]")


class Redactor:
    """Shares numbering across the texts of one request (answer and question)."""

    def __init__(self) -> None:
        self.originals: dict[str, str] = {}
        self._by_value: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def redact(self, text: str) -> str:
        for kind, pattern in _PATTERNS:
            text = pattern.sub(lambda m, kind=kind: self._placeholder(kind, m.group()), text)
        return text

    def restore(self, text: str) -> str:
        """Placeholders in the model's text mapped back to what the candidate wrote."""
        if not self.originals:
            return text
        return _PLACEHOLDER.sub(lambda m: self.originals.get(m.group(), m.group()), text)

    def _placeholder(self, kind: str, value: str) -> str:
        if kind == "PHONE" and sum(c.isdigit() for c in value) < _MIN_PHONE_DIGITS:
            return value
        key = (kind, value)
        if key not in self._by_value:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            placeholder = f"[{kind}_{self._counts[kind]}]"
            self._by_value[key] = placeholder
            self.originals[placeholder] = value
        return self._by_value[key]
