"""The progress bar of a batch: counts and ETA on stderr, only when stderr is a terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager


def wanted(no_progress: bool) -> bool:
    return not no_progress and sys.stderr.isatty()


def estimate_total(paths: list[str]) -> int | None:
    """How many answers the PATHs hold, cheaply (rows are counted, not parsed)."""
    from coach.readers import UnreadableInput, expand
    from coach.tabular import count_rows, is_tabular

    try:
        return sum(count_rows(p) if is_tabular(p) else 1 for p in expand(paths))
    except UnreadableInput:
        return None


@contextmanager
def bar(total: int | None, enabled: bool):
    """Yields `advance(failed: bool)`; a no-op when disabled."""
    if not enabled:
        yield lambda failed=False: None
        return
    from rich.console import Console  # only an interactive batch pays for importing rich
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (
        TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("grading", total=total, failed=0)
        failures = 0

        def advance(failed: bool = False) -> None:
            nonlocal failures
            failures += failed
            progress.update(task, advance=1, failed=failures)

        yield advance
