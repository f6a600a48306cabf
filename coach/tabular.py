"""Files that hold many answers: `.jsonl` (one object a line) and `.csv` (a form export).

Rows are streamed, never loaded whole, so a file of 10,000 answers costs one row of memory.
Each row becomes an `Answer` whose source is `file#id` (or `file#N`: the line number in a
.jsonl file, the row number a spreadsheet shows for a .csv file, header being row 1).
A row that cannot be graded becomes an `InputError`; the other rows go on.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator

from coach.models import Answer, InputError

TABULAR_SUFFIXES = (".jsonl", ".csv")
FIELDS = ("answer", "id", "question", "role")
_SNIFF_BYTES = 64 * 1024


def is_tabular(source: str) -> bool:
    return source.lower().endswith(TABULAR_SUFFIXES)


def read_rows(source: str, question: str | None = None, role: str | None = None) -> Iterator[Answer | InputError]:
    """Every answer in a .jsonl/.csv file; --question/--role given on the command line win."""
    from coach.readers import UnreadableInput

    try:
        with _open_lines(source) as lines:
            rows = _jsonl_rows if source.lower().endswith(".jsonl") else _csv_rows
            for number, fields in rows(lines, source):
                yield _answer(source, number, fields, question, role)
    except UnreadableInput as error:
        yield InputError(source=source, error=str(error))
    except csv.Error as error:
        yield InputError(source=source, error=f"{source}: malformed CSV ({error})")


class _BadRow(Exception):
    pass


def _answer(source: str, number: int, fields: dict | _BadRow, question, role) -> Answer | InputError:
    from coach.readers import MAX_ANSWER_BYTES

    row_id = fields.get("id") if isinstance(fields, dict) else None
    label = f"{source}#{_text(row_id)}" if _text(row_id) else f"{source}#{number}"
    if isinstance(fields, _BadRow):
        return InputError(source=label, error=f"{label}: {fields}")
    text = fields.get("answer")
    if text is not None and not isinstance(text, str):
        return InputError(source=label, error=f"{label}: \"answer\" must be text")
    if not text or not text.strip():
        return InputError(source=label, error=f"{label}: the answer is empty")
    if len(text.encode("utf-8")) > MAX_ANSWER_BYTES:
        return InputError(source=label, error=f"{label}: answer larger than {MAX_ANSWER_BYTES // 1024} KiB")
    return Answer(
        text=text.strip("\r\n"),
        question=question or _text(fields.get("question")),
        role=role or _text(fields.get("role")),
        source=label,
    )


def _text(value) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return value or None


def _jsonl_rows(lines: _Lines, source: str) -> Iterator[tuple[int, dict | _BadRow]]:
    for number, line in enumerate(lines.each(lenient=True), start=1):
        if line is None:
            yield number, _BadRow(f"not valid {lines.encoding} text; save the file as UTF-8")
            continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, _BadRow(f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(value, dict):
            yield number, _BadRow('each line must be a JSON object with an "answer"')
            continue
        yield number, {key.lower(): v for key, v in value.items() if isinstance(key, str)}


def _csv_rows(lines: _Lines, source: str) -> Iterator[tuple[int, dict | _BadRow]]:
    from coach.readers import UnreadableInput

    reader = csv.reader(lines.each(lenient=False))
    header = next(reader, None)
    if header is None:
        raise UnreadableInput(f"{source}: the CSV file is empty")
    columns = [name.strip().lower() for name in header]
    if "answer" not in columns:
        raise UnreadableInput(f"{source}: no \"answer\" column (found: {', '.join(header) or 'nothing'})")
    wanted = {name: columns.index(name) for name in FIELDS if name in columns}
    for number, cells in enumerate(reader, start=2):  # the row a spreadsheet shows (header = 1)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns):]):
            yield number, _BadRow(f"row has {len(cells)} cells but the header has {len(columns)} columns")
            continue
        yield number, {name: cells[i] if i < len(cells) else None for name, i in wanted.items()}


class _Lines:
    """A file's lines, decoded one at a time (so a bad byte costs one line, not a chunk)."""

    def __init__(self, raw, encoding: str, source: str):
        self.raw, self.encoding, self.source = raw, encoding, source

    def each(self, *, lenient: bool) -> Iterator[str | None]:
        """Decoded lines; an undecodable one is None when lenient, else ends the file."""
        from coach.readers import UnreadableInput

        for number, data in enumerate(self.raw, start=1):
            try:
                yield data.decode("utf-8-sig" if number == 1 and self.encoding == "utf-8" else self.encoding)
            except UnicodeDecodeError:
                if not lenient:
                    raise UnreadableInput(
                        f"{self.source}: line {number} is not valid {self.encoding} text; save the file as UTF-8"
                    ) from None
                yield None

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc) -> None:
        self.raw.close()


def _open_lines(source: str) -> _Lines:
    """The file's lines: UTF-8 (BOM or not), else an encoding charset-normalizer is sure of."""
    from coach.readers import UnreadableInput, existing_file

    path = existing_file(source)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by _Lines
    except OSError as error:
        raise UnreadableInput(f"{source}: cannot read ({error.strerror or error})") from None
    try:
        encoding = _sniff_encoding(raw.read(_SNIFF_BYTES), source)
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    return _Lines(raw, encoding, source)


def _sniff_encoding(sample: bytes, source: str) -> str:
    from coach.readers import UnreadableInput

    if b"\x00" in sample[:8192]:
        raise UnreadableInput(f"{source}: binary file, not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only non-UTF-8 input pays for this import

    best = from_bytes(sample).best()
    if best is None or best.chaos > 0.2:
        raise UnreadableInput(f"{source}: not UTF-8 and the encoding could not be detected; save it as UTF-8")
    return best.encoding


def count_rows(source: str) -> int:
    """How many answers a file probably holds (for a progress bar; cheap, never raises)."""
    try:
        with open(source, "rb") as handle:
            if source.lower().endswith(".jsonl"):
                return sum(1 for line in handle if line.strip())
            text = io.TextIOWrapper(handle, encoding="utf-8", errors="replace", newline="")
            return max(0, sum(1 for cells in csv.reader(text) if any(c.strip() for c in cells)) - 1)
    except (OSError, csv.Error):
        return 1
