"""--redact: obvious personal details never leave the machine.

Emails, phone numbers, URLs (with or without a scheme), IP addresses, national ID numbers,
card/account-like numbers, street addresses and @handles are replaced by numbered
placeholders ("[EMAIL_1]") before anything is sent; the mapping stays here so the model's
quotes and rewrite can be mapped back to the candidate's words. Numbers that carry the story
("40%", "2019", "$1.2M", "3 weeks", "version 2.4.1") are left alone.

Names of people and companies, and anything else free text can carry, are NOT recognised
(docs/llm.md says what is and is not redacted).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Endings that look like a top-level domain in "Node.js/Express" or "config.yaml/...": file
# types and languages, not websites. A real TLD is written in lower case ("ASP.NET/Core" is not one).
_NOT_TLDS = ("js|ts|jsx|tsx|py|rb|md|sh|go|rs|cs|kt|php|pl|java|json|ya?ml|xml|html?|css|txt|csv|pdf|docx?"
             "|xlsx?|pptx?|png|jpe?g|gif|svg|exe|dll|so|jar|zip|gz|tar|sql|log|ini|cfg|conf|env|lock|toml")
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
_URL_TAIL = r"[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]"
# English street types after a number and a capitalised name ("221B Baker Street", "1600
# Pennsylvania Ave"). Capitalised only: "3 Weeks way" is not an address.
_STREET_TYPES = ("Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq"
                 "|Terrace|Way|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Mews|Gardens|Grove|Row")
# Grouped digits that do not continue a longer number ("1.123-45-6789", "123-45-6789-0").
_ALONE, _ALONE_AFTER = r"(?<![.,-])\b", r"\b(?![.,-]\d)"
_SPANISH_ID_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"  # the check letter of a DNI/NIE: number mod 23
_MIN_PHONE_DIGITS = 9


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def _luhn_ok(value: str) -> bool:
    total = 0
    for i, digit in enumerate(int(c) for c in reversed(_digits(value))):
        doubled = digit * 2 if i % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def _spanish_id_ok(value: str) -> bool:
    plain = value.replace("-", "")
    number = plain[:-1]
    if number[0] in "XYZ":  # a NIE: X, Y and Z stand for 0, 1 and 2
        number = str("XYZ".index(number[0])) + number[1:]
    return _SPANISH_ID_LETTERS[int(number) % 23] == plain[-1]


def _enough_phone_digits(value: str) -> bool:
    return len(_digits(value)) >= _MIN_PHONE_DIGITS


# (label, pattern, check): a match is redacted only if `check` (when given) accepts it.
# Order matters: URLs before emails (a URL may contain "@"), fediverse handles before emails
# (@jo@mastodon.social), emails before scheme-less URLs and handles, ID numbers before the
# PHONE pattern that would otherwise take a 9-digit one for a phone number.
_PATTERNS: tuple[tuple[str, re.Pattern[str], Callable[[str], bool] | None], ...] = (
    ("URL", re.compile(rf"(?i)\b(?:https?://|www\.){_URL_TAIL}"), None),
    ("HANDLE", re.compile(rf"(?<![\w@])@\w+(?:\.\w+)*@{_HOST}[A-Za-z]{{2,}}\b"), None),
    ("EMAIL", re.compile(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"), None),
    # A domain with a path, without a scheme: linkedin.com/in/jane, github.com/jane.
    ("URL", re.compile(rf"(?<![\w@./-]){_HOST}(?!(?:{_NOT_TLDS})/)[a-z]{{2,24}}/(?:{_URL_TAIL})?"), None),
    ("IP", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"), None),
    # Cards, IBAN-like and account numbers: 13+ digits, optionally grouped.
    ("NUMBER", re.compile(r"\b(?:[A-Z]{2}\d{2}[ ]?)?(?:\d[ -]?){12,}\d\b"), None),
    # National ID numbers, by their documented formats (docs/llm.md lists them), after the
    # long numbers: "4111 1111 1111" inside a card number is not an Aadhaar.
    # US social security / taxpayer number: 123-45-6789 (never 000 or 666 in front).
    ("ID", re.compile(rf"{_ALONE}(?!000|666)\d{{3}}([- ])(?!00)\d{{2}}\1(?!0000)\d{{4}}{_ALONE_AFTER}"), None),
    # UK National Insurance number: AB123456C, AB 12 34 56 C.
    ("ID", re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"), None),
    # Canadian social insurance number: 3-3-3 digits that pass the Luhn check.
    ("ID", re.compile(rf"{_ALONE}\d{{3}}([- ])\d{{3}}\1\d{{3}}{_ALONE_AFTER}"), _luhn_ok),
    # Indian Aadhaar (4-4-4 digits, never starting with 0 or 1) and PAN (ABCPE1234F).
    ("ID", re.compile(rf"{_ALONE}[2-9]\d{{3}}([- ])\d{{4}}\1\d{{4}}{_ALONE_AFTER}"), None),
    ("ID", re.compile(r"\b[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]\b"), None),
    # Spanish DNI (12345678Z) and NIE (X1234567L), with their check letter.
    ("ID", re.compile(r"\b(?:\d{8}|[XYZ]-?\d{7})-?[A-Z]\b"), _spanish_id_ok),
    # Brazilian CPF (123.456.789-09) and Italian codice fiscale (RSSMRA85T10A562S).
    ("ID", re.compile(r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b"), None),
    ("ID", re.compile(r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b"), None),
    # Phones: an optional +country code, then 9+ digits in groups ("(555) 123-4567", "07700 900123").
    ("PHONE", re.compile(r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,8}){1,4}(?![\w%])"),
     _enough_phone_digits),
    # A house number, one to four capitalised words (or "5th"), a street type.
    ("ADDRESS", re.compile(rf"\b\d{{1,5}}[A-Za-z]?(?:-\d{{1,5}})?,?\s+(?:(?:[A-Z][\w'’-]*|\d+(?:st|nd|rd|th))\.?\s+){{1,4}}"
                           rf"(?:{_STREET_TYPES})\b"), None),
    # @name, @jane.doe; not "@10am" or "@3:30pm".
    ("HANDLE", re.compile(r"(?<![\w@])@(?!\d{1,2}(?::\d{2})?\s?[ap]m\b)\w(?:[\w.]{0,28}\w)\b"), None),
)
_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(sorted({kind for kind, _, _ in _PATTERNS})) + r")_\d+\]")


class Redactor:
    """Shares numbering across the texts of one request (answer and question)."""

    def __init__(self) -> None:
        self.originals: dict[str, str] = {}
        self._by_value: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def redact(self, text: str) -> str:
        for kind, pattern, check in _PATTERNS:
            text = pattern.sub(lambda m, kind=kind, check=check: self._placeholder(kind, m.group(), check), text)
        return text

    def restore(self, text: str) -> str:
        """Placeholders in the model's text mapped back to what the candidate wrote."""
        if not self.originals:
            return text
        return _PLACEHOLDER.sub(lambda m: self.originals.get(m.group(), m.group()), text)

    def _placeholder(self, kind: str, value: str, check: Callable[[str], bool] | None) -> str:
        if check is not None and not check(value):
            return value
        key = (kind, value)
        if key not in self._by_value:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            placeholder = f"[{kind}_{self._counts[kind]}]"
            self._by_value[key] = placeholder
            self.originals[placeholder] = value
        return self._by_value[key]
