"""What the commands share: exit codes, one-line errors and notes, the engine for a run, reading
the inputs, and the run around coach.batch (output file, progress bar, summary, exit status)."""

from __future__ import annotations

import gc
import os
import sys

import click

from coach.wording import count_of, listing

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_JOBS = 8  # LLM requests in flight at once
MAX_NAMED = 10  # answers named in one stderr line


# Start-up makes objects that live as long as the run (modules, click's commands, pydantic's and
# the openai SDK's classes): collecting garbage while they are made finds little and cost ~10%
# of `import openai` here. So `main` collects rarely until the first answer is graded.
_STARTUP_GC_THRESHOLD = 100_000
_usual_gc_threshold: tuple[int, ...] | None = None


def collect_rarely_until_started() -> None:
    global _usual_gc_threshold
    _usual_gc_threshold = gc.get_threshold()
    gc.set_threshold(_STARTUP_GC_THRESHOLD)


def started() -> None:
    """The run is under way: what start-up made is set aside for good (gc.freeze: later
    collections skip it) and garbage is collected as usual again."""
    global _usual_gc_threshold
    if _usual_gc_threshold is not None:
        gc.freeze()
        gc.set_threshold(*_usual_gc_threshold)
        _usual_gc_threshold = None


def stdout_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def say_error(message: str) -> None:
    click.echo(f"coach: error: {message}", err=True)


class Notes:
    """One-line notes on stderr. While a progress bar is drawn they go through it, so each
    note has a line of its own instead of being glued to the bar."""

    def __init__(self):
        import threading

        from coach.batch.progress import Display

        self.display = Display()
        # Notes come from a batch's grading threads: one at a time, or two fallback notes
        # can be printed into one line ("...used the offline enginecoach: note: ...").
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        with self._lock:
            self.display.note(f"coach: note: {message}")


def grader_for(options, notes: Notes, quiet: bool):
    """The run's one engine (shared by a batch's threads), or None after a one-line error."""
    from coach.engine import ConfigError, Grader

    try:
        # Where the answers are sent, or why the offline engine was chosen, is said (one line
        # on stderr) unless --quiet; every fallback is always said: a critique never silently
        # comes from the rules.
        return Grader(options, notify=notes, announce_choice=not quiet)
    except ConfigError as error:
        say_error(str(error))
        return None


def read_first(paths, single, question, role, output, notes, kind=None):
    """The inputs as a stream whose first item is already read: an input that cannot be read
    at all (a missing file, an empty folder) refuses before any output is opened."""
    import itertools
    from pathlib import Path

    from coach.inputs.readers import read_answer, read_answers

    if single:
        return [read_answer(paths[0], question=question, role=role, warn=notes, kind=kind)]
    skip = frozenset([Path(output).resolve()]) if output and output != "-" else frozenset()
    items = read_answers(list(paths), question=question, role=role, skip=skip, warn=notes, kind=kind)
    first = next(items, None)
    return itertools.chain([first], items) if first is not None else iter(())


def format_for_output(output: str | None) -> str | None:
    from coach.render.writers import format_for

    return format_for(output) if output and output != "-" else "text"


class BatchRun:
    """The edge around coach.batch: output file, progress bar, summary, exit status."""

    def __init__(self, paths, single, output_format, output, fail_under, no_progress, notes: Notes):
        self.paths, self.single, self.output_format = list(paths), single, output_format
        self.output, self.fail_under, self.no_progress = output, fail_under, no_progress
        self.notes = notes
        self.to_file = bool(output and output != "-")

    def run(self, items, grader, llm: bool, fingerprint: dict | None, jobs, finish=lambda: None) -> int:
        """`fingerprint` is None when nothing is to be cached; `finish` says the engine's
        closing notes once every answer is graded."""
        from coach import batch
        from coach.batch import progress
        from coach.render.writers import open_writer

        cache = open_cache() if fingerprint is not None else None
        # The offline engine stays in this process, one answer at a time: a process pool
        # measured no faster for 10,000 answers (bench/batch_offline.py --processes).
        # LLM: --jobs requests in flight (the client holds them to that), from twice as many
        # threads, so the next answers are prepared while the requests are out.
        threads = 2 * jobs if llm else 1
        # One answer in text or JSON needs no summary; skipping it keeps that path quick.
        summary = None if self.single and self.output_format in ("text", "json") else summary_builder(self.fail_under)
        failures: list[str] = []
        below: list[tuple[str, int]] = []  # the first MAX_NAMED, for the stderr line
        below_count = graded_count = 0
        show = progress.wanted(self.no_progress) and not self.single
        try:
            out_context = self._open_output()
            with out_context as out, progress.bar(progress.estimate_total(self.paths) if show else None, show) as display:
                self.notes.display = display
                writer = open_writer(self.output_format, out, color=out is sys.stdout and stdout_color(), single=self.single)
                for graded in batch.grade_all(items, grader, jobs=threads, cache=cache, fingerprint=fingerprint):
                    started()
                    text = graded.answer.text if graded.answer else None
                    writer.add(text, graded.result)
                    graded_count += 1
                    if summary is not None:
                        summary.add(text, graded.result)
                    display.advance(graded.failed)
                    if graded.failed:
                        failures.append(graded.result.error)
                    elif self.fail_under is not None and graded.result.score < self.fail_under:
                        below_count += 1
                        if len(below) < MAX_NAMED:
                            below.append((graded.result.source, graded.result.score))
                finish()
                built = summary.build() if summary is not None else None
                writer.finish(built)
        except BrokenPipeError:
            raise  # the reader of stdout went away: run() says nothing more
        except OSError as error:
            if not self.to_file:
                raise
            # Creating, writing or renaming the report failed (no such folder, a file where a
            # folder should be, a full disk): the file the user had is untouched.
            self.notes.display = progress.Display()
            say_error(f"{self.output}: cannot write ({error.strerror or error})")
            return EXIT_USAGE
        self.notes.display = progress.Display()
        for failure in failures:
            say_error(failure)
        if built is not None and not self.single:
            self._print_summary(built)
        if self.to_file:
            click.echo(f"coach: wrote {self.output} ({count_of(graded_count, 'answer')})", err=True)
        if below_count:
            self._say_below(below, below_count)
        return EXIT_FAILED if failures or below_count else EXIT_OK

    def _open_output(self):
        import contextlib

        from coach.render.report_file import ReportFile

        if not self.to_file:
            return contextlib.nullcontext(sys.stdout)
        return ReportFile(self.output, streamed=self.output_format == "jsonl")

    def _print_summary(self, built) -> None:
        """For the person at the terminal: after a text report, or instead of a report
        written to a file; never mixed into a machine-readable report on stdout."""
        if self.output_format == "text" and not self.to_file:
            click.echo("\n".join(["", "Batch summary", *built.lines()]))
        elif self.to_file:
            click.echo("\n".join(built.lines()))
        elif sys.stderr.isatty():
            click.echo("\n".join(built.lines()), err=True)

    def _say_below(self, below: list[tuple[str, int]], total: int) -> None:
        """Why the run exits 1, on stderr whatever stdout is (a redirected JSON report says
        nothing to the person who ran it)."""
        shown = [f"{source} ({score})" for source, score in below]
        click.echo(f"coach: {count_of(total, 'answer')} scored below {self.fail_under}: {listing(shown, total)}", err=True)


def summary_builder(fail_under: int | None):
    from coach.batch.summary import SummaryBuilder

    return SummaryBuilder(fail_under)


def open_cache():
    import sqlite3

    from coach.batch.cache import Cache

    try:
        return Cache()
    except (OSError, sqlite3.Error) as error:
        click.echo(f"coach: warning: cache unavailable, grading everything ({error})", err=True)
        return None
