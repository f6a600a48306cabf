"""Reading answers from files, folders and stdin (an edge: the core never touches files).

Every refusal is an `UnreadableInput` whose message is one line a person can act on.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from coach.inputs import MAX_ANSWER_BYTES, UnreadableInput, decode, existing_file, too_large
from coach.inputs.tabular import TABULAR_SUFFIXES, is_tabular, read_rows
from coach.models import Answer, InputError
from coach.yaml_text import parse_yaml

__all__ = ["MAX_ANSWER_BYTES", "UnreadableInput", "expand", "read_answer", "read_answers"]

ANSWER_SUFFIXES = (".txt", ".md")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
FRONT_MATTER_KEYS = ("question", "role", "id", "kind")
# Front matter made only of `key: plain text` lines is read without importing PyYAML (~20 ms
# of a 0.3 s start-up budget). A value starts with a letter and has no character YAML could
# treat specially, so PyYAML would read it as the same string; anything else goes to PyYAML.
_PLAIN_LINE = re.compile(r"([A-Za-z_][\w-]*):(?:[ \t]+([^\W\d_][^:#\t\[\]{}]*?))?[ \t]*")
_YAML_NON_STRINGS = frozenset("yes no on off true false null".split())
# The first line of each report coach writes that a folder could hold (tests keep these in
# step with the renderers): a report is never graded as an answer.
_REPORT_HEADS = {
    ".md": re.compile(r"# Interview answers: batch report$"),
    ".txt": re.compile(r".+  score \d{1,3}/100  \((?:offline|llm)\b"),
    ".csv": re.compile(r"source,score,situation,task,action,result,"),
    ".jsonl": re.compile(r'\{"schema_version":\d+,"source":'),
}
_REPORT_PROBE_BYTES = 4096

Warn = Callable[[str], None]


def _ignore(message: str) -> None:
    pass


def expand(paths: list[str], skip: frozenset[Path] = frozenset(), warn: Warn = _ignore) -> Iterator[str]:
    """Each PATH as given, with folders replaced by their answer files, sorted.

    A folder's files that are in `skip` (the run's own -o file) or are reports coach wrote
    are passed over: a report kept beside the answers must never be graded as one."""
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            suffixes = ANSWER_SUFFIXES + TABULAR_SUFFIXES
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            answers = [f for f in files if f.resolve() not in skip and not _is_report(f, warn)]
            if not answers:
                raise UnreadableInput(f"{raw}: folder has no answer files ({', '.join(suffixes)})")
            yield from (str(f) for f in answers)
        else:
            yield raw


def _is_report(path: Path, warn: Warn) -> bool:
    head = _REPORT_HEADS.get(path.suffix.lower())
    if head is None:
        return False
    try:
        with open(path, "rb") as handle:
            first_line = handle.read(_REPORT_PROBE_BYTES).decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    except OSError:
        return False
    if head.match(first_line):
        warn(f"{path}: skipped, a report written by coach (not an answer)")
        return True
    return False


def read_answers(
    paths: list[str],
    question: str | None = None,
    role: str | None = None,
    *,
    skip: frozenset[Path] = frozenset(),
    warn: Warn = _ignore,
    kind: str | None = None,
) -> Iterator[Answer | InputError]:
    """Every answer the PATHs hold; an input that cannot be read becomes an InputError."""
    for source in _expand_each(paths, skip, warn):
        if isinstance(source, InputError):
            yield source
            continue
        if is_tabular(source):  # many answers in one file, streamed row by row
            yield from read_rows(source, question=question, role=role, kind=kind)
            continue
        try:
            yield read_answer(source, question=question, role=role, warn=warn, kind=kind)
        except UnreadableInput as error:
            yield InputError(source=source, error=str(error))


def _expand_each(paths: list[str], skip: frozenset[Path], warn: Warn) -> Iterator[str | InputError]:
    """Like expand, but among several PATHs, one that cannot be expanded (an empty folder)
    is one error entry; a lone PATH still refuses (exit 2: nothing could be graded)."""
    if len(paths) == 1:
        yield from expand(paths, skip, warn)
        return
    for raw in paths:
        try:
            yield from expand([raw], skip, warn)
        except UnreadableInput as error:
            yield InputError(source=raw, error=str(error))


def read_answer(source: str, question: str | None = None, role: str | None = None, *, warn: Warn = _ignore,
                kind: str | None = None) -> Answer:
    """One answer file (.txt, .md, or stdin); either may open with a front-matter block."""
    text = decode(_read_bytes(source), source)
    metadata, text = split_front_matter(text, source, warn)
    if not text.strip():
        raise UnreadableInput(f"{source}: the answer is empty")
    return Answer(
        text=text.strip("\r\n"),
        question=question or metadata.get("question"),
        role=role or metadata.get("role"),
        source=f"{source}#{metadata['id']}" if metadata.get("id") else source,
        kind=kind_of(kind or metadata.get("kind"), source),
    )


def kind_of(value: str | None, source: str) -> str:
    """The text's kind as given (--kind, front matter, a column), or a one-line refusal."""
    from coach.rules.kinds import KINDS

    if value is None or not value.strip():
        return "answer"
    normal = value.strip().lower().replace("_", "-").replace(" ", "-")
    if normal not in KINDS:
        raise UnreadableInput(f"{source}: kind {value!r} is not one of {', '.join(KINDS)}")
    return normal


def _read_bytes(source: str) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_ANSWER_BYTES + 1)
    else:
        path = existing_file(source)
        try:
            if path.stat().st_size > MAX_ANSWER_BYTES:
                raise UnreadableInput(too_large(source))
            data = path.read_bytes()
        except OSError as error:
            raise UnreadableInput(f"{source}: cannot read ({error.strerror or error})") from None
    if len(data) > MAX_ANSWER_BYTES:
        raise UnreadableInput(too_large(source))
    return data


def split_front_matter(text: str, source: str, warn: Warn = _ignore) -> tuple[dict[str, str], str]:
    """Front matter (question, role, id; keys in any case) and the answer after it.

    A key coach does not know is named in a warning rather than silently ignored: a typo
    ("qustion:") would otherwise change how the answer is judged without a word."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    data = plain_front_matter(match.group(1))
    if data is None:
        data = _yaml_front_matter(match.group(1), source)
    by_key = {str(key).strip().lower(): value for key, value in data.items()}
    unknown = sorted(key for key in by_key if key not in FRONT_MATTER_KEYS)
    if unknown:
        warn(f"{source}: front matter key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} ignored "
             f"(known: {', '.join(FRONT_MATTER_KEYS)})")
    metadata = {key: str(by_key[key]).strip() for key in FRONT_MATTER_KEYS if by_key.get(key) is not None}
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
        data = parse_yaml(block) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise UnreadableInput(f"{source}: front matter is not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise UnreadableInput(f"{source}: front matter must be key: value lines")
    return data
