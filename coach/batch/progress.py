"""The progress display of a batch: counts and ETA on stderr, only when stderr is a terminal.

Notes printed while the bar is drawn go through it (`Display.note`), so a note gets a line
of its own above the bar instead of being glued to it.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager


def wanted(no_progress: bool) -> bool:
    return not no_progress and sys.stderr.isatty()


def estimate_total(paths: list[str]) -> int | None:
    """How many answers the PATHs hold, cheaply (rows are counted, not parsed)."""
    from coach.inputs.readers import UnreadableInput, expand
    from coach.inputs.tabular import count_rows, is_tabular

    try:
        return sum(count_rows(p) if is_tabular(p) else 1 for p in expand(paths))
    except UnreadableInput:
        return None


class Display:
    """Without a bar: lines go straight to stderr and advancing does nothing."""

    def advance(self, failed: bool = False) -> None:
        pass

    def note(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)


class _BarDisplay(Display):
    def __init__(self, progress, task):
        self.progress, self.task, self.failures = progress, task, 0

    def advance(self, failed: bool = False) -> None:
        self.failures += failed
        self.progress.update(self.task, advance=1, failed=self.failures)

    def note(self, line: str) -> None:
        # Printed above the live bar, which is then redrawn below it.
        self.progress.console.print(line, markup=False, highlight=False, soft_wrap=True)


@contextmanager
def bar(total: int | None, enabled: bool):
    """Yields a `Display`; a plain one (no bar) when disabled."""
    if not enabled:
        yield Display()
        return
    from rich.console import Console  # only an interactive batch pays for importing rich
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (
        TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield _BarDisplay(progress, progress.add_task("grading", total=total, failed=0))
