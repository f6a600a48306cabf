"""What every reader of answers shares: the refusal, the size limit, and one decoder.

`readers` (one answer a file) and `tabular` (many answers a file) both decode through
`detect_encoding`, so the same bytes read the same whether they are a .txt answer or a .csv row.
"""

from __future__ import annotations

import codecs
from pathlib import Path

# A spoken answer is a few hundred words; a file far beyond that is not an answer.
MAX_ANSWER_BYTES = 64 * 1024
# How much more "chaos" (charset-normalizer's mess measure) Windows-1252 may show and still win.
WESTERN_TIE = 0.01
# Beyond this mess measure a guessed encoding is more likely wrong than right.
MAX_CHAOS = 0.2
# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_PROBE = 8192


class UnreadableInput(Exception):
    """An input that cannot be graded; the message says why in one line."""


def detect_encoding(sample: bytes, source: str) -> str:
    """The encoding of a file that starts with `sample`, or a one-line refusal.

    A byte-order mark decides (UTF-8, or UTF-16/32 as Windows Notepad's "Unicode" saves);
    else valid UTF-8; else the encoding charset-normalizer is sure of, with Windows-1252
    winning a near tie (answers are mostly English: else "crêpe" can come out as "crŕpe").
    `sample` may end mid-character: only what it holds in full is judged.
    """
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    if b"\x00" in sample[:_BINARY_PROBE]:
        raise UnreadableInput(f"{source}: binary file, not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only non-UTF-8 input pays for this import

    matches = from_bytes(sample)
    best = matches.best()
    if best is None or best.chaos > MAX_CHAOS:
        raise UnreadableInput(f"{source}: not UTF-8 and the encoding could not be detected; save it as UTF-8")
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos + WESTERN_TIE:
        return "cp1252"
    return best.encoding


def decode(data: bytes, source: str) -> str:
    """The text of a whole file's bytes, decoded as `detect_encoding` decides."""
    encoding = detect_encoding(data, source)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableInput(f"{source}: not valid {encoding} text; save it as UTF-8") from None


def is_wide(encoding: str) -> bool:
    """UTF-16/32: a line break is more than one byte, so lines cannot be split as bytes."""
    return encoding.startswith(("utf-16", "utf-32"))


def too_large(source: str) -> str:
    return f"{source}: larger than {MAX_ANSWER_BYTES // 1024} KiB; an answer file holds one spoken answer"


def existing_file(source: str) -> Path:
    """The file at `source`, or a one-line refusal if it is missing or a folder."""
    path = Path(source)
    if not path.exists():
        raise UnreadableInput(f"{source}: no such file")
    if path.is_dir():
        raise UnreadableInput(f"{source}: is a folder")
    return path
