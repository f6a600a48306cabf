"""Reading answers from files, folders and stdin (an edge: the core never touches files).

Every refusal is an `UnreadableInput` whose message is one line a person can act on.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from coach.models import Answer, InputError
from coach.tabular import TABULAR_SUFFIXES, is_tabular, read_rows

# A spoken answer is a few hundred words; a file far beyond that is not an answer.
MAX_ANSWER_BYTES = 64 * 1024
ANSWER_SUFFIXES = (".txt", ".md")
# How much more "chaos" (charset-normalizer's mess measure) Windows-1252 may show and still win.
WESTERN_TIE = 0.01
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FRONT_MATTER_KEYS = {"question", "role", "id"}
# Front matter made only of `key: plain text` lines is read without importing PyYAML (~20 ms
# of a 0.3 s start-up budget). A value starts with a letter and has no character YAML could
# treat specially, so PyYAML would read it as the same string; anything else goes to PyYAML.
_PLAIN_LINE = re.compile(r"([A-Za-z_][\w-]*):(?:[ \t]+([^\W\d_][^:#\t\[\]{}]*?))?[ \t]*")
_YAML_NON_STRINGS = frozenset("yes no on off true false null".split())


class UnreadableInput(Exception):
    """An input that cannot be graded; the message says why in one line."""


def expand(paths: list[str]) -> Iterator[str]:
    """Each PATH as given, with folders replaced by their answer files, sorted."""
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            suffixes = ANSWER_SUFFIXES + TABULAR_SUFFIXES
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            if not files:
                raise UnreadableInput(f"{raw}: folder has no answer files ({', '.join(suffixes)})")
            yield from (str(f) for f in files)
        else:
            yield raw


def read_answers(paths: list[str], question: str | None = None, role: str | None = None) -> Iterator[Answer | InputError]:
    """Every answer the PATHs hold; an input that cannot be read becomes an InputError."""
    for source in _expand_each(paths):
        if isinstance(source, InputError):
            yield source
            continue
        if is_tabular(source):  # many answers in one file, streamed row by row
            yield from read_rows(source, question=question, role=role)
            continue
        try:
            yield read_answer(source, question=question, role=role)
        except UnreadableInput as error:
            yield InputError(source=source, error=str(error))


def _expand_each(paths: list[str]) -> Iterator[str | InputError]:
    """Like expand, but among several PATHs, one that cannot be expanded (an empty folder)
    is one error entry; a lone PATH still refuses (exit 2: nothing could be graded)."""
    if len(paths) == 1:
        yield from expand(paths)
        return
    for raw in paths:
        try:
            yield from expand([raw])
        except UnreadableInput as error:
            yield InputError(source=raw, error=str(error))


def read_answer(source: str, question: str | None = None, role: str | None = None) -> Answer:
    data = _read_bytes(source)
    text = decode(data, source)
    metadata: dict[str, str] = {}
    if source.lower().endswith(".md"):
        metadata, text = split_front_matter(text, source)
    if not text.strip():
        raise UnreadableInput(f"{source}: the answer is empty")
    return Answer(
        text=text.strip("\r\n"),
        question=question or metadata.get("question"),
        role=role or metadata.get("role"),
        source=f"{source}#{metadata['id']}" if metadata.get("id") else source,
    )


def _read_bytes(source: str) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_ANSWER_BYTES + 1)
    else:
        path = existing_file(source)
        try:
            if path.stat().st_size > MAX_ANSWER_BYTES:
                raise UnreadableInput(_too_large(source))
            data = path.read_bytes()
        except OSError as error:
            raise UnreadableInput(f"{source}: cannot read ({error.strerror or error})") from None
    if len(data) > MAX_ANSWER_BYTES:
        raise UnreadableInput(_too_large(source))
    return data


def existing_file(source: str) -> Path:
    """The file at `source`, or a one-line refusal if it is missing or a folder."""
    path = Path(source)
    if not path.exists():
        raise UnreadableInput(f"{source}: no such file")
    if path.is_dir():
        raise UnreadableInput(f"{source}: is a folder")
    return path


def _too_large(source: str) -> str:
    return f"{source}: larger than {MAX_ANSWER_BYTES // 1024} KiB; an answer file holds one spoken answer"


def decode(data: bytes, source: str) -> str:
    """UTF-8 (BOM or not); else the encoding charset-normalizer is sure of; else refuse."""
    if b"\x00" in data[:8192]:
        raise UnreadableInput(f"{source}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only non-UTF-8 input pays for this import

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.chaos > 0.2:
        raise UnreadableInput(f"{source}: not UTF-8 and the encoding could not be detected; save it as UTF-8")
    # Short Western text reads about as well in several code pages; answers are mostly
    # English, so Windows-1252 wins a near tie (else "crêpe" can come out as "crŕpe").
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos + WESTERN_TIE:
        return str(western)
    return str(best)


def split_front_matter(text: str, source: str) -> tuple[dict[str, str], str]:
    """YAML front matter (question, role, id) and the answer after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    data = plain_front_matter(match.group(1))
    if data is None:
        data = _yaml_front_matter(match.group(1), source)
    metadata = {key: str(data[key]).strip() for key in _FRONT_MATTER_KEYS if data.get(key) is not None}
    return metadata, text[match.end() :]


def plain_front_matter(block: str) -> dict[str, str | None] | None:
    """The pairs of front matter that is only `key: plain text` lines; None if it is more."""
    data: dict[str, str | None] = {}
    for line in block.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _PLAIN_LINE.fullmatch(line)
        if not match or (match.group(2) or "").lower() in _YAML_NON_STRINGS:
            return None
        data[match.group(1)] = match.group(2)
    return data


def _yaml_front_matter(block: str, source: str) -> dict:
    import yaml  # only front matter beyond plain `key: text` lines pays for this import

    try:
        data = yaml.safe_load(block) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise UnreadableInput(f"{source}: front matter is not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise UnreadableInput(f"{source}: front matter must be key: value lines")
    return data
