"""Files that hold many answers: `.jsonl` (one object a line) and `.csv` (a form export).

Rows are streamed, never loaded whole, so a file of 10,000 answers costs one row of memory.
Each row becomes an `Answer` whose source is `file#id` (or `file#N`: the line number in a
.jsonl file, the row number a spreadsheet shows for a .csv file, header being row 1).
A row that cannot be graded becomes an `InputError`; the other rows go on.
"""

from __future__ import annotations

import csv
import io
import json
from collections import deque
from collections.abc import Iterator

from coach.inputs import MAX_ANSWER_BYTES, UnreadableInput, detect_encoding, existing_file, is_wide
from coach.models import Answer, InputError

TABULAR_SUFFIXES = (".jsonl", ".csv")
FIELDS = ("answer", "id", "question", "role", "kind")
_SNIFF_BYTES = 64 * 1024


def is_tabular(source: str) -> bool:
    return source.lower().endswith(TABULAR_SUFFIXES)


def read_rows(source: str, question: str | None = None, role: str | None = None, kind: str | None = None) -> Iterator[Answer | InputError]:
    """Every answer in a .jsonl/.csv file; --question/--role given on the command line win."""
    rows_read = 0
    try:
        with _open_lines(source) as lines:
            rows = _jsonl_rows if source.lower().endswith(".jsonl") else _csv_rows
            for number, fields in rows(lines, source):
                rows_read += 1
                yield _answer(source, number, fields, question, role, kind)
    except UnreadableInput as error:
        yield InputError(source=source, error=str(error))
        return
    if not rows_read:
        yield InputError(source=source, error=f"{source}: no answers in the file")


class _BadRow(Exception):
    pass


def _answer(source: str, number: int, fields: dict | _BadRow, question, role, kind=None) -> Answer | InputError:
    from coach.inputs.readers import kind_of

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
    try:
        row_kind = kind_of(kind or _text(fields.get("kind")), label)
    except UnreadableInput as error:
        return InputError(source=label, error=str(error))
    return Answer(
        text=text.strip("\r\n"),
        question=question or _text(fields.get("question")),
        role=role or _text(fields.get("role")),
        source=label,
        kind=row_kind,
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


_QUOTING_HELP = "a quote is never closed, or a \" inside a quoted cell is not doubled (\"\")"


def _csv_rows(lines: _Lines, source: str) -> Iterator[tuple[int, dict | _BadRow]]:
    """Rows numbered as a spreadsheet shows them (header = row 1).

    Quoting is read strictly: a quote left open would otherwise swallow the rows after it
    into one answer that gets graded. The row where quoting breaks is one error entry, and
    the lines it swallowed are read again as rows of their own, so no other answer is lost."""
    feed = _Rewindable(lines.each(lenient=False))
    reader = csv.reader(feed, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise UnreadableInput(f"{source}: the header row is malformed CSV ({error})") from None
    if header is None:
        raise UnreadableInput(f"{source}: the CSV file is empty")
    columns = [name.strip().lower() for name in header]
    if "answer" not in columns:
        raise UnreadableInput(f"{source}: no \"answer\" column (found: {', '.join(header) or 'nothing'})")
    wanted = {name: columns.index(name) for name in FIELDS if name in columns}
    number = 1
    while True:
        feed.start_record()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            first, last = feed.rewind()
            yield number, _BadRow(_malformed(error, first, last))
            reader = csv.reader(feed, strict=True)
            continue
        number += 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns):]):
            yield number, _BadRow(f"row has {len(cells)} cells but the header has {len(columns)} columns")
            continue
        yield number, {name: cells[i] if i < len(cells) else None for name, i in wanted.items()}


def _malformed(error: csv.Error, first: int, last: int) -> str:
    where = f"line {first}" if first == last else f"lines {first}-{last}"
    if "field limit" in str(error):
        return f"malformed CSV at {where}: a cell larger than {csv.field_size_limit() // 1024} KiB ({_QUOTING_HELP}?)"
    return f"malformed CSV at {where}: {_QUOTING_HELP}; the lines after it were read again as rows"


class _Rewindable:
    """Lines for csv.reader that can be handed out again: when a record turns out to be
    malformed, every line after its first is read again, as the start of a new record."""

    def __init__(self, lines: Iterator[str | None]):
        self.lines = lines
        self.pending: deque[tuple[int, str]] = deque()
        self.record: list[tuple[int, str]] = []
        self.line_number = 0

    def __iter__(self) -> _Rewindable:
        return self

    def __next__(self) -> str:
        if self.pending:
            number, line = self.pending.popleft()
        else:
            line = next(self.lines)
            self.line_number += 1
            number = self.line_number
        self.record.append((number, line))
        return line

    def start_record(self) -> None:
        self.record = []

    def rewind(self) -> tuple[int, int]:
        """The first and last line of the bad record; the lines after its first come again."""
        first, last = self.record[0][0], self.record[-1][0]
        self.pending.extendleft(reversed(self.record[1:]))
        self.record = []
        return first, last


class _Lines:
    """A file's lines, decoded one at a time (so a bad byte costs one line, not a chunk)."""

    def __init__(self, raw, encoding: str, source: str):
        self.raw, self.encoding, self.source = raw, encoding, source

    def each(self, *, lenient: bool) -> Iterator[str | None]:
        """Decoded lines; an undecodable one is None when lenient, else ends the file."""
        if is_wide(self.encoding):
            yield from self._wide_lines()
            return
        for number, data in enumerate(self.raw, start=1):
            try:
                yield data.decode(self.encoding if number == 1 else self.encoding.replace("-sig", ""))
            except UnicodeDecodeError:
                if not lenient:
                    raise UnreadableInput(
                        f"{self.source}: line {number} is not valid {self.encoding} text; save the file as UTF-8"
                    ) from None
                yield None

    def _wide_lines(self) -> Iterator[str]:
        """UTF-16/32 lines: a line break spans several bytes, so the text is decoded whole."""
        text = io.TextIOWrapper(self.raw, encoding=self.encoding, newline="")
        try:
            yield from text
        except UnicodeDecodeError:
            raise UnreadableInput(f"{self.source}: not valid {self.encoding} text; save the file as UTF-8") from None
        finally:
            text.detach()

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc) -> None:
        self.raw.close()


def _open_lines(source: str) -> _Lines:
    """The file's lines, in the encoding `coach.inputs.detect_encoding` finds."""
    path = existing_file(source)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by _Lines
    except OSError as error:
        raise UnreadableInput(f"{source}: cannot read ({error.strerror or error})") from None
    try:
        encoding = detect_encoding(raw.read(_SNIFF_BYTES), source)
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    return _Lines(raw, encoding, source)


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
