"""The command line: a thin edge over the pure core.

Commands return an exit status; only `main` exits. Exit codes (README):
0 ok; 1 a score below --fail-under or some input could not be graded;
2 usage error, or a single input that could not be read.
"""

from __future__ import annotations

import os
import sys

import click

from coach import __version__
from coach.cli_config import check_settings, config_options, limits_of, merged, selection_options, show_config
from coach.config import ConfigFileError
from coach.wording import count_of, listing

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_JOBS = 8  # LLM requests in flight at once
MAX_NAMED = 10  # answers named in one stderr line
# Kept in step with coach.render.writers.FORMATS (not imported: startup stays small).
OUTPUT_FORMATS = ["text", "json", "jsonl", "csv", "markdown", "html", "line", "github"]
# --dry-run writes requests, not critiques: as one JSON document, or one request a line.
DRY_RUN_FORMATS = ("json", "jsonl")


def _stdout_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _error(message: str) -> None:
    click.echo(f"coach: error: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coach")
def cli() -> None:
    """Critique interview answers like a demanding, fair interview coach."""


def _llm_options(command):
    """The LLM engine's flags (issue 3); values arrive in `critique` as **llm_flags."""
    options = [
        click.option("--model", envvar="COACH_MODEL", help="Model name for the LLM engine [env COACH_MODEL; default gpt-4o-mini]."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="SECONDS",
                     help="Seconds per LLM request."),
        click.option("--max-retries", type=click.IntRange(0, 10), default=2, show_default=True, metavar="N",
                     help="Retries on 429/5xx/timeouts."),
        click.option("--temperature", type=click.FloatRange(0.0, 2.0), default=0.0, show_default=True, metavar="T",
                     help="Sampling temperature; 0 gives the most repeatable critiques."),
        click.option("--no-fallback", is_flag=True, help="Exit 1 when the LLM fails instead of falling back to offline."),
        click.option("--redact", is_flag=True, help="Replace emails, phones, URLs, ID numbers, addresses, @handles... before anything is sent."),
        click.option("--dry-run", is_flag=True,
                     help="Print the requests the LLM engine would send (URL, model, messages; never the key); send nothing."),
        click.option("--prompts", "prompts_dir", type=click.Path(file_okay=False, exists=True), help="Use the prompt templates in DIR."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _grade_options(offline: bool, flags: dict, jobs: int, **settings):
    """`settings`: the configuration's require_llm, checks and limits."""
    from coach.engine import GradeOptions

    names = ("model", "timeout", "max_retries", "temperature", "no_fallback", "redact", "prompts_dir")
    return GradeOptions(offline=offline, max_in_flight=jobs, **{name: flags[name] for name in names}, **settings)


class _Notes:
    """One-line notes on stderr. While a progress bar is drawn they go through it, so each
    note has a line of its own instead of being glued to the bar."""

    def __init__(self):
        import threading

        from coach.progress import Display

        self.display = Display()
        # Notes come from a batch's grading threads: one at a time, or two fallback notes
        # can be printed into one line ("...used the offline enginecoach: note: ...").
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        with self._lock:
            self.display.note(f"coach: note: {message}")


def _grader(options, notes: _Notes, quiet: bool):
    """The run's one engine (shared by a batch's threads), or None after a one-line error."""
    from coach.engine import ConfigError, Grader

    try:
        # Where the answers are sent, or why the offline engine was chosen, is said (one line
        # on stderr) unless --quiet; every fallback is always said: a critique never silently
        # comes from the rules.
        return Grader(options, notify=notes, announce_choice=not quiet)
    except ConfigError as error:
        _error(str(error))
        return None


def _dry_run_format(chosen: str | None, output: str | None, offline: bool) -> tuple[str, str | None]:
    """The dry run's format (json unless --format or -o's extension says jsonl), or why not."""
    if offline:
        return "", "--dry-run shows what the LLM engine would send; --offline sends nothing"
    from coach.render.writers import format_for

    fmt = chosen or (format_for(output) if output and output != "-" else None) or "json"
    if fmt not in DRY_RUN_FORMATS:
        return "", f"--dry-run writes requests as json or jsonl, not {fmt} (use --format json or jsonl)"
    return fmt, None


def _dry_run(items, options, output_format: str, output: str | None) -> int:
    """Write exactly the request the LLM engine would send per answer (the URL it would be
    POSTed to, model and messages; never the key), to stdout or -o FILE; send nothing."""
    import dataclasses

    from coach.engine import ConfigError, Grader
    from coach.models import InputError

    to_file = bool(output and output != "-")
    grader = Grader(dataclasses.replace(options, offline=True))
    entries = (item.model_dump() if isinstance(item, InputError) else grader.request(item) for item in items)
    try:
        with _dry_run_output(output, streamed=output_format == "jsonl") as out:
            written, failed = _write_requests(entries, out, output_format)
    except ConfigError as error:
        _error(str(error))
        return EXIT_USAGE
    except OSError as error:
        _error(f"{output}: cannot write ({error.strerror or error})")
        return EXIT_USAGE
    if to_file:
        click.echo(f"coach: wrote {output} ({count_of(written, 'request')})", err=True)
    return EXIT_FAILED if failed else EXIT_OK


def _dry_run_output(output: str | None, *, streamed: bool):
    import contextlib

    from coach.render.report_file import ReportFile

    if not output or output == "-":
        return contextlib.nullcontext(sys.stdout)
    return ReportFile(output, streamed=streamed)


def _write_requests(entries, out, output_format: str) -> tuple[int, bool]:
    """(entries written, whether any was an unreadable input's {"source", "error"} entry)."""
    import json

    written, failed = 0, False
    if output_format == "jsonl":
        for entry in entries:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            out.flush()
            written, failed = written + 1, failed or "error" in entry
        return written, failed
    payload = list(entries)
    out.write(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False) + "\n")
    return len(payload), any("error" in entry for entry in payload)


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--question", "-q", help="The interview question the answer responds to.")
@click.option("--role", "-r", help="The role applied for (e.g. 'software engineer').")
@click.option("--format", "output_format", type=click.Choice(OUTPUT_FORMATS),
              help="Output format [default: from -o FILE's extension, else text; --dry-run: json or jsonl].")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to FILE (replaced only once the report is complete).")
@click.option("--offline", is_flag=True, help="Use the rule-based engine even if an LLM endpoint is set.")
@click.option("--fail-under", type=click.IntRange(0, 100), metavar="SCORE",
              help="Exit 1 if any answer scores below SCORE; stderr names them.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), metavar="N",
              help=f"LLM requests in flight at once [default: {DEFAULT_JOBS}]. The offline engine always grades one at a time.")
@click.option("--no-progress", is_flag=True, help="No progress bar (it is shown only when stderr is a terminal).")
@click.option("--no-cache", is_flag=True, help="Neither read nor store cached critiques.")
@click.option("--quiet", is_flag=True,
              help="Hide informational notes (where answers are sent, which engine); errors, warnings and fallbacks always show.")
@click.option("--kind", type=click.Choice(["answer", "thank-you", "questions"]),
              help="What the text is [default: front matter or a 'kind' column, else answer].")
@click.option("--interview-date", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]), metavar="DATE",
              help="When the interview was (YYYY-MM-DD[ HH:MM]): a thank-you sent more than 24 hours later is flagged.")
@selection_options
@config_options
@_llm_options
def critique(paths, question, role, output_format, output, offline, fail_under, jobs, no_progress, no_cache, quiet,
             kind, interview_date, select, ignore, config_file, no_config, **llm_flags) -> int:
    """Critique the answers in PATH (a .txt/.md file, a .jsonl/.csv file of many answers,
    a folder of them, or - for stdin): interview answers, thank-you emails (--kind thank-you)
    or the questions to ask the interviewers (--kind questions)."""
    from coach.readers import UnreadableInput
    from coach.tabular import is_tabular

    dry_run = llm_flags["dry_run"]
    if dry_run:
        output_format, problem = _dry_run_format(output_format, output, offline)
    else:
        output_format = output_format or _format_for_output(output)
        problem = None if output_format else f"{output}: cannot tell the format from the extension; use --format"
    if problem:
        _error(problem)
        return EXIT_USAGE
    try:
        config = merged({"role": role, "model": llm_flags["model"], "fail_under": fail_under, "offline": offline,
                         "select": select, "ignore": ignore, "config_file": config_file, "no_config": no_config},
                        click.get_current_context())
    except ConfigFileError as error:
        _error(str(error))
        return EXIT_USAGE
    fail_under, llm_flags["model"] = config["fail-under"], config["model"]
    single = len(paths) == 1 and (paths[0] == "-" or not (os.path.isdir(paths[0]) or is_tabular(paths[0])))
    jobs = jobs or DEFAULT_JOBS
    options = _grade_options(config["engine"] == "offline", llm_flags, jobs, require_llm=config["engine"] == "llm",
                             checks=check_settings(config), limits=limits_of(config))
    notes = _Notes()
    try:
        items = _read_first(paths, single, question, role, output, notes, kind)
        if not role and config["role"]:
            items = _with_default_role(items, config["role"])
        if interview_date is not None:
            items = _with_interview_date(items, interview_date)
        if dry_run:
            return _dry_run(items, options, output_format, output)
        grader = _grader(options, notes, quiet)
        if grader is None:
            return EXIT_USAGE
        llm = grader.engine == "llm"
        batch = _BatchRun(paths, single, output_format, output, fail_under, no_progress, notes)
        fingerprint = _cache_fingerprint(options) if llm and not no_cache else None
        return batch.run(items, grader.grade, llm, fingerprint, jobs, finish=grader.finish)
    except UnreadableInput as error:
        _error(str(error))
        return EXIT_USAGE


def _with_default_role(items, role: str):
    """The configuration's role, for the answers that name none."""
    for item in items:
        yield item.model_copy(update={"role": role}) if getattr(item, "role", "") is None else item


def _with_interview_date(items, interview_date):
    """Each thank-you email learns how long after the interview it is being sent: now."""
    from datetime import datetime

    hours = (datetime.now() - interview_date).total_seconds() / 3600
    for item in items:
        yield item.model_copy(update={"hours_since_interview": hours}) if getattr(item, "kind", None) == "thank-you" else item


def _read_first(paths, single, question, role, output, notes, kind=None):
    """The inputs as a stream whose first item is already read: an input that cannot be read
    at all (a missing file, an empty folder) refuses before any output is opened."""
    import itertools
    from pathlib import Path

    from coach.readers import read_answer, read_answers

    if single:
        return [read_answer(paths[0], question=question, role=role, warn=notes, kind=kind)]
    skip = frozenset([Path(output).resolve()]) if output and output != "-" else frozenset()
    items = read_answers(list(paths), question=question, role=role, skip=skip, warn=notes, kind=kind)
    first = next(items, None)
    return itertools.chain([first], items) if first is not None else iter(())


def _format_for_output(output: str | None) -> str | None:
    from coach.render.writers import format_for

    return format_for(output) if output and output != "-" else "text"


def _cache_fingerprint(options) -> dict:
    """What decides an LLM critique besides the answer: the cache's key material.

    Only LLM runs are cached: the offline engine takes milliseconds, and caching it would
    only risk stale results when its rules change.
    """
    from coach import engine

    return engine.fingerprint(options)


class _BatchRun:
    """The edge around coach.batch: output file, progress bar, summary, exit status."""

    def __init__(self, paths, single, output_format, output, fail_under, no_progress, notes: _Notes):
        self.paths, self.single, self.output_format = list(paths), single, output_format
        self.output, self.fail_under, self.no_progress = output, fail_under, no_progress
        self.notes = notes
        self.to_file = bool(output and output != "-")

    def run(self, items, grader, llm: bool, fingerprint: dict | None, jobs, finish=lambda: None) -> int:
        """`fingerprint` is None when nothing is to be cached; `finish` says the engine's
        closing notes once every answer is graded."""
        from coach import batch, progress
        from coach.render.writers import open_writer

        cache = _open_cache() if fingerprint is not None else None
        # The offline engine stays in this process, one answer at a time: a process pool
        # measured no faster for 10,000 answers (bench/batch_offline.py --processes).
        # LLM: --jobs requests in flight (the client holds them to that), from twice as many
        # threads, so the next answers are prepared while the requests are out.
        threads = 2 * jobs if llm else 1
        # One answer in text or JSON needs no summary; skipping it keeps that path quick.
        summary = None if self.single and self.output_format in ("text", "json") else _summary_builder(self.fail_under)
        failures: list[str] = []
        below: list[tuple[str, int]] = []  # the first MAX_NAMED, for the stderr line
        below_count = graded_count = 0
        show = progress.wanted(self.no_progress) and not self.single
        try:
            out_context = self._open_output()
            with out_context as out, progress.bar(progress.estimate_total(self.paths) if show else None, show) as display:
                self.notes.display = display
                writer = open_writer(self.output_format, out, color=out is sys.stdout and _stdout_color(), single=self.single)
                for graded in batch.grade_all(items, grader, jobs=threads, cache=cache, fingerprint=fingerprint):
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
            _error(f"{self.output}: cannot write ({error.strerror or error})")
            return EXIT_USAGE
        self.notes.display = progress.Display()
        for failure in failures:
            _error(failure)
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


def _summary_builder(fail_under: int | None):
    from coach.summary import SummaryBuilder

    return SummaryBuilder(fail_under)


def _open_cache():
    import sqlite3

    from coach.cache import Cache

    try:
        return Cache()
    except (OSError, sqlite3.Error) as error:
        click.echo(f"coach: warning: cache unavailable, grading everything ({error})", err=True)
        return None


@cli.group()
def cache() -> None:
    """The cache of LLM critiques (COACH_CACHE_DIR overrides its folder)."""


@cache.command(name="info")
def cache_info() -> int:
    """Where the cache is, how many critiques it holds and its size."""
    from coach.cache import FILE_NAME, Cache, cache_dir

    path = cache_dir() / FILE_NAME
    if not path.exists():
        click.echo(f"{path}: empty (no critique cached yet)")
        return EXIT_OK
    try:
        with Cache() as store:
            info = store.info()
    except Exception as error:  # noqa: BLE001 - sqlite3.Error and OSError, without importing sqlite3 here
        _error(f"{path}: cannot read the cache ({error})")
        return EXIT_FAILED
    click.echo(f"{info.path}: {info.entries} critiques, {info.size_bytes / 1024:.0f} KiB")
    return EXIT_OK


@cache.command(name="clear")
def cache_clear() -> int:
    """Delete every cached critique."""
    from coach.cache import FILE_NAME, Cache, cache_dir

    path = cache_dir() / FILE_NAME
    if not path.exists():
        click.echo(f"{path}: nothing to clear")
        return EXIT_OK
    try:
        with Cache() as store:
            removed = store.clear()
    except Exception as error:  # noqa: BLE001 - sqlite3.Error and OSError
        _error(f"{path}: cannot clear the cache ({error})")
        return EXIT_FAILED
    click.echo(f"{path}: removed {removed} critiques")
    return EXIT_OK


@cli.command(name="eval")
@click.argument("labelled", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show-mistakes", is_flag=True, help="List which answers each label got wrong.")
def eval_command(labelled, output_format, show_mistakes) -> int:
    """Measure the offline engine on a labelled JSONL file (format: docs/eval.md)."""
    from coach import evaluate, offline
    from coach.render import evaluation

    try:
        with click.open_file(labelled, encoding="utf-8") as handle:
            rows = evaluate.parse_labelled(handle, labelled)
    except (OSError, UnicodeDecodeError) as error:
        _error(f"{labelled}: cannot read ({getattr(error, 'strerror', None) or error})")
        return EXIT_USAGE
    except evaluate.BadLabelledFile as error:
        _error(str(error))
        return EXIT_USAGE
    critiques = [offline.critique(row.answer) for row in rows]
    report = evaluation.Report.build(rows, critiques, with_mistakes=show_mistakes)
    click.echo(report.to_json() if output_format == "json" else report.to_text(), nl=output_format == "json")
    return EXIT_OK


@cli.command()
@click.option("--role", "-r", help="The role applied for (e.g. 'sales representative'); unknown roles get the general questions.")
@click.option("--type", "question_type", metavar="TYPE", help="Only questions of this type (story, weakness, why_leaving, why_us, about_yourself, technical, questions_for_us, strength, why_hire).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def questions(role, question_type, output_format) -> int:
    """Likely interview questions by role, with what each one listens for and what a strong
    answer shows (the role's own first, then general and second-round ones)."""
    from coach import question_bank
    from coach.render import questions as render

    if _unknown_type(question_type):
        return EXIT_USAGE
    known = question_bank.types()
    selection = question_bank.select(role, question_type)
    if role and not selection.matched:
        click.echo(f"coach: note: no question bank for the role '{role}'; showing the general and second-round questions", err=True)
    click.echo(render.render(selection, known, output_format), nl=False)
    return EXIT_OK


@cli.command()
@click.option("--role", "-r", help="The role applied for; questions come from its bank, then the general ones.")
@click.option("--type", "question_type", metavar="TYPE", help="Only questions of this type (see `coach questions --help`).")
@click.option("--question", "-q", help="Practise this question instead of one from the bank.")
@click.option("--editor", is_flag=True, help="Write the answer in $EDITOR instead of on standard input.")
@click.option("--offline", is_flag=True, help="Use the rule-based engine even if an LLM endpoint is set.")
def practice(role, question_type, question, editor, offline) -> int:
    """Answer a likely question (one not practised recently), get the critique, and keep the
    attempt in your practice history (COACH_DATA_DIR overrides where)."""
    import sqlite3

    from coach import question_bank
    from coach.history import History
    from coach.models import Answer
    from coach.practice import RECENT_ATTEMPTS, choose_question
    from coach.render import text

    if _unknown_type(question_type):
        return EXIT_USAGE
    try:
        with History() as history:
            chosen = None
            if not question:
                chosen = choose_question(question_bank.select(role, question_type).questions, history.recent_question_ids(RECENT_ATTEMPTS))
                if chosen is None:
                    _error("no question of that type in the bank")
                    return EXIT_USAGE
            asked = question or chosen.text
            click.echo(f"Question: {asked}", err=not sys.stdin.isatty() and not editor)
            answer_text = _practice_answer(editor)
            if not answer_text.strip():
                _error("no answer given; nothing recorded")
                return EXIT_USAGE
            grader = _default_grader(offline)
            if grader is None:
                return EXIT_USAGE
            critique = grader.grade(Answer(text=answer_text.strip(), question=asked, role=role, source="practice"))
            history.record(critique, answer_text.strip(), asked, chosen.id if chosen else None, role)
    except (OSError, sqlite3.Error) as error:
        _error(f"practice history unavailable ({error})")
        return EXIT_FAILED
    click.echo(text.render([critique], color=_stdout_color()), nl=False)
    return EXIT_OK


def _default_grader(offline: bool):
    """practice and compare grade with the engine's defaults: they have no LLM tuning flags."""
    from coach.engine import GradeOptions

    return _grader(GradeOptions(offline=offline, max_in_flight=DEFAULT_JOBS), _Notes(), quiet=offline)


def _unknown_type(question_type: str | None) -> bool:
    """True, after a one-line error, when --type names no type of the question bank."""
    from coach import question_bank

    known = question_bank.types()
    if question_type is None or question_type in known:
        return False
    _error(f"--type {question_type}: not a question type (one of: {', '.join(known)})")
    return True


def _practice_answer(editor: bool) -> str:
    if editor:
        return click.edit("\n# Write your answer above this line.\n") or ""
    if sys.stdin.isatty():
        click.echo("Type your answer, then Ctrl-D on a line of its own:", err=True)
    return sys.stdin.read()


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write it to FILE (replaced only once complete).")
def progress(output_format, output) -> int:
    """Your practice so far: scores per question over time, each criterion then and now, and
    the weakest one to work on next."""
    import sqlite3

    from coach.history import History
    from coach.practice import progress as summarise
    from coach.render import practice as render

    try:
        with History() as history:
            attempts = history.attempts()
    except (OSError, sqlite3.Error) as error:
        _error(f"practice history unavailable ({error})")
        return EXIT_FAILED
    report = summarise(attempts)
    if output_format == "html":
        page = render.progress_html(report, [(a.at[:10], a.score) for a in attempts])
    else:
        page = render.as_json(report.to_dict()) if output_format == "json" else render.progress_text(report)
    if not output:
        click.echo(page, nl=False)
        return EXIT_OK
    from coach.render.report_file import ReportFile

    try:
        with ReportFile(output) as out:
            out.write(page)
    except OSError as error:
        _error(f"{output}: cannot write ({error.strerror or error})")
        return EXIT_USAGE
    click.echo(f"coach: wrote {output}", err=True)
    return EXIT_OK


@cli.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--question", "-q", help="The interview question both drafts answer.")
@click.option("--offline", is_flag=True, help="Use the rule-based engine even if an LLM endpoint is set.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def compare(old, new, question, offline, output_format) -> int:
    """Two drafts of one answer side by side: score and each rating before and after, the
    findings fixed and the new ones."""
    from coach.practice import compare as set_side_by_side
    from coach.readers import UnreadableInput, read_answer
    from coach.render import practice as render

    try:
        drafts = [read_answer(path, question=question) for path in (old, new)]
    except UnreadableInput as error:
        _error(str(error))
        return EXIT_USAGE
    grader = _default_grader(offline)
    if grader is None:
        return EXIT_USAGE
    comparison = set_side_by_side(*(grader.grade(draft) for draft in drafts))
    click.echo(render.as_json(comparison.to_dict()) if output_format == "json" else render.comparison_text(comparison), nl=False)
    return EXIT_OK


@cli.command(name="checks")
@selection_options
@config_options
def list_checks(select, ignore, config_file, no_config) -> int:
    """The checks coach runs: on or off and at what severity here (configuration, --select,
    --ignore), and what each looks for (`coach explain ID` for one in full)."""
    from coach.check_docs import answer_check_ids, docs

    try:
        config = merged({"select": select, "ignore": ignore, "config_file": config_file, "no_config": no_config},
                        click.get_current_context())
    except ConfigFileError as error:
        _error(str(error))
        return EXIT_USAGE
    settings = check_settings(config)
    answer_checks = answer_check_ids()
    for check_id, doc in docs().items():
        if check_id not in answer_checks:
            state, level = "always", "as found"
        else:
            state = "off" if check_id in settings.ignored else "on"
            level = settings.severities.get(check_id, "as found")
        click.echo(f"{check_id:12} {state:6} {level:9} {doc['what']}")
    return EXIT_OK


@cli.command()
@click.argument("check_id", metavar="CHECK")
def explain(check_id) -> int:
    """What a check does, why it matters to an interviewer, an example it flags, and the fix."""
    from coach.check_docs import docs

    known = docs()
    doc = known.get(check_id.lower())
    if doc is None:
        _error(f"{check_id}: no such check (one of: {', '.join(known)})")
        return EXIT_USAGE
    for heading, key in (("What it looks for", "what"), ("Why it matters", "why"), ("Example", "example"), ("Fix", "fix")):
        click.echo(f"{heading}\n  {doc[key]}\n")
    return EXIT_OK


cli.add_command(show_config)


from coach.cli_batch import batch_group  # noqa: E402 - `coach batch` (issue 14); it imports only click

cli.add_command(batch_group)

def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status, never raising."""
    try:
        status = cli.main(args=argv, prog_name="coach", standalone_mode=False)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("coach: interrupted", err=True)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); silence the flush at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    return status if isinstance(status, int) else EXIT_OK


def main() -> None:
    # coach loads no pydantic plugins; without this, building the first model scans the
    # entry points of every installed distribution (tens of ms of each start-up).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    status = run()
    # Everything is written and closed. Freezing spares the interpreter's exit a garbage
    # collection over every object alive, the openai SDK's thousands of classes included:
    # ~0.2 s of each LLM run's exit here, for memory the process returns anyway.
    import gc

    gc.freeze()
    sys.exit(status)
