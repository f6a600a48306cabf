"""`coach critique`: answers, emails or question lists in, critiques out; --dry-run shows the
requests the LLM engine would send."""

from __future__ import annotations

import os
import sys

import click

from coach.cli.app import cli
from coach.cli.common import (
    DEFAULT_JOBS,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    BatchRun,
    Notes,
    format_for_output,
    grader_for,
    read_first,
    say_error,
)
from coach.cli.config import check_settings, config_options, limits_of, merged, selection_options
from coach.config import ConfigFileError
from coach.wording import count_of

# Kept in step with coach.render.writers.FORMATS (not imported: startup stays small).
OUTPUT_FORMATS = ["text", "json", "jsonl", "csv", "markdown", "html", "line", "github"]
# --dry-run writes requests, not critiques: as one JSON document, or one request a line.
DRY_RUN_FORMATS = ("json", "jsonl")


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
        say_error(str(error))
        return EXIT_USAGE
    except OSError as error:
        say_error(f"{output}: cannot write ({error.strerror or error})")
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
    from coach.inputs.readers import UnreadableInput
    from coach.inputs.tabular import is_tabular

    dry_run = llm_flags["dry_run"]
    if dry_run:
        output_format, problem = _dry_run_format(output_format, output, offline)
    else:
        output_format = output_format or format_for_output(output)
        problem = None if output_format else f"{output}: cannot tell the format from the extension; use --format"
    if problem:
        say_error(problem)
        return EXIT_USAGE
    try:
        config = merged({"role": role, "model": llm_flags["model"], "fail_under": fail_under, "offline": offline,
                         "select": select, "ignore": ignore, "config_file": config_file, "no_config": no_config},
                        click.get_current_context())
    except ConfigFileError as error:
        say_error(str(error))
        return EXIT_USAGE
    fail_under, llm_flags["model"] = config["fail-under"], config["model"]
    single = len(paths) == 1 and (paths[0] == "-" or not (os.path.isdir(paths[0]) or is_tabular(paths[0])))
    jobs = jobs or DEFAULT_JOBS
    options = _grade_options(config["engine"] == "offline", llm_flags, jobs, require_llm=config["engine"] == "llm",
                             checks=check_settings(config), limits=limits_of(config))
    notes = Notes()
    try:
        items = read_first(paths, single, question, role, output, notes, kind)
        if not role and config["role"]:
            items = _with_default_role(items, config["role"])
        if interview_date is not None:
            items = _with_interview_date(items, interview_date)
        if dry_run:
            return _dry_run(items, options, output_format, output)
        grader = grader_for(options, notes, quiet)
        if grader is None:
            return EXIT_USAGE
        llm = grader.engine == "llm"
        batch = BatchRun(paths, single, output_format, output, fail_under, no_progress, notes)
        fingerprint = _cache_fingerprint(options) if llm and not no_cache else None
        return batch.run(items, grader.grade, llm, fingerprint, jobs, finish=grader.finish)
    except UnreadableInput as error:
        say_error(str(error))
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


def _cache_fingerprint(options) -> dict:
    """What decides an LLM critique besides the answer: the cache's key material.

    Only LLM runs are cached: the offline engine takes milliseconds, and caching it would
    only risk stale results when its rules change.
    """
    from coach import engine

    return engine.fingerprint(options)
