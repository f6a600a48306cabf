"""`coach batch`: big cohorts through the OpenAI Batch API, or an offline runner of its format
(vLLM's run_batch). A thin edge over coach.llm.batch_jobs, sharing coach.cli.common's helpers.

    coach batch submit PATH...        send what is not cached, record the batches
    coach batch status [ID...]        status, request counts and age (all open batches)
    coach batch cancel ID
    coach batch collect ID... [-o F]  judge every reply, cache it, write the report
    coach batch export PATH... -o requests.jsonl   the same requests, for a local runner
    coach batch import results.jsonl PATH...       its output, judged like collect's

Start-up stays small: this module imports click only; everything else is imported by the
command that runs.
"""

from __future__ import annotations

import click

RESPONSE_FORMAT_CHOICES = ["json_schema", "json_object"]
STATUS_FORMATS = ["text", "json"]
# Notes of --wait's polls are said again only when something changed, or this often.
_MINUTE, _HOUR, _DAY = 60, 3600, 86400


def _base():
    """coach.cli.common, imported when a command runs: what every command shares."""
    from coach.cli import common

    return common


@click.group(name="batch")
def batch_group() -> None:
    """Grade big cohorts through the OpenAI Batch API (about half the price, results within
    24 h) or an offline runner of its format; see docs/cohorts.md."""


def _input_options(command):
    options = [
        click.argument("paths", nargs=-1, required=True, metavar="PATH..."),
        click.option("--question", "-q", help="The interview question the answers respond to."),
        click.option("--role", "-r", help="The role applied for."),
        click.option("--kind", type=click.Choice(["answer", "thank-you", "questions"]),
                     help="What the texts are [default: front matter or a 'kind' column, else answer]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _engine_options(command):
    """What decides the requests (and so the custom_ids): the same flags and defaults as
    `coach critique`, so a later critique finds the collected critiques in the cache."""
    options = [
        click.option("--model", envvar="COACH_MODEL", help="Model name [env COACH_MODEL; default gpt-4o-mini]."),
        click.option("--temperature", type=click.FloatRange(0.0, 2.0), default=0.0, show_default=True, metavar="T"),
        click.option("--redact", is_flag=True, help="Replace emails, phones, URLs, ID numbers... before anything is sent."),
        click.option("--prompts", "prompts_dir", type=click.Path(file_okay=False, exists=True), help="Use the prompt templates in DIR."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="SECONDS",
                     help="Seconds per API call (uploads get longer)."),
        click.option("--max-retries", type=click.IntRange(0, 10), default=2, show_default=True, metavar="N"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _quiet_option(command):
    return click.option("--quiet", is_flag=True, help="Hide informational notes; errors, warnings and fallbacks always show.")(command)


def _report_options(command):
    base = _base_formats()
    options = [
        click.option("--format", "output_format", type=click.Choice(base),
                     help="Report format [default: from -o FILE's extension, else text]."),
        click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
                     help="Write the report to FILE (replaced only once the report is complete)."),
        click.option("--no-fallback", is_flag=True, help="A failed request is an error entry (exit 1), not an offline critique."),
        click.option("--fail-under", type=click.IntRange(0, 100), metavar="SCORE", help="Exit 1 if any answer scores below SCORE."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _base_formats() -> list[str]:
    # Kept in step with coach.cli.critique.OUTPUT_FORMATS (not imported: this module imports only click).
    return ["text", "json", "jsonl", "csv", "markdown", "html", "line", "github"]


def _grade_options(flags: dict):
    """The engine's options: these flags over the configuration (coach/config.py), whose model,
    checks and limits `coach critique` uses too, so both compute the same cache keys."""
    from coach.cli.config import check_settings, limits_of
    from coach.config import ConfigFileError, resolve
    from coach.engine import GradeOptions

    try:
        config = resolve(None, False)
    except ConfigFileError as error:
        _base().say_error(str(error))
        return None
    return GradeOptions(model=flags["model"] or config["model"], temperature=flags["temperature"], redact=flags["redact"],
                        prompts_dir=flags["prompts_dir"], timeout=flags["timeout"], max_retries=flags["max_retries"],
                        checks=check_settings(config), limits=limits_of(config))


def _runner_engine(engine_flags: dict):
    """(options, environment, endpoint choice) for export and import, which need no endpoint set:
    their cache keys are the ones a later `coach critique` with an endpoint looks up."""
    from coach.engine import choose
    from coach.llm import batch_jobs

    options = _grade_options(engine_flags)
    if options is None:
        return None
    environ = batch_jobs.llm_environ()
    return options, environ, choose(options, environ)


def _single(paths) -> bool:
    import os

    from coach.inputs.tabular import is_tabular

    return len(paths) == 1 and (paths[0] == "-" or not (os.path.isdir(paths[0]) or is_tabular(paths[0])))


def _endpoint_choice(what: str, options=None):
    """The LLM endpoint from the environment, or None after a one-line error."""
    from coach.engine import GradeOptions, choose

    choice = choose(options or GradeOptions())
    if choice.engine != "llm":
        _base().say_error(f"{what} talks to an OpenAI-compatible Batch API: set OPENAI_API_KEY (and OPENAI_BASE_URL for "
                       "another server); `coach batch export` writes the requests for an offline runner")
        return None
    return choice


def _store():
    """The cache database (it holds the batches' state), or None after a one-line error."""
    import sqlite3

    from coach.batch.cache import Cache

    try:
        return Cache()
    except (OSError, sqlite3.Error) as error:
        _base().say_error(f"cannot open the cache database, where batches are recorded ({error})")
        return None


def _records(store, ids) -> list | None:
    """The batches named (all open ones when none is), or None after a one-line error."""
    if not ids:
        return [record for record in store.batches() if record.open]
    records = []
    for batch_id in ids:
        record = store.batch(batch_id)
        if record is None:
            _base().say_error(f"{batch_id}: not a batch submitted from this cache (`coach batch status` lists them)")
            return None
        records.append(record)
    return records


def _service_for(records, what: str):
    """The Batch API of the server these batches were sent to (a context manager), or None
    after a one-line error: no endpoint set, or another server than theirs."""
    from coach.engine import GradeOptions
    from coach.llm import batch_jobs

    choice = _endpoint_choice(what)
    if choice is None:
        return None
    service = batch_jobs.service_for(choice, GradeOptions())
    for record in records:
        if record.endpoint != service.shown_url:
            _base().say_error(f"{record.id} was submitted to {record.endpoint}, but the endpoint now is {service.shown_url}: "
                           "set OPENAI_BASE_URL (and its key) as they were")
            service.close()
            return None
    return service

def _say_skipped(skipped, notes, quiet: bool) -> None:
    from coach.wording import count_of

    base = _base()
    for error in skipped.unreadable:
        base.say_error(error)
    if skipped.cached and not quiet:
        notes(f"{count_of(skipped.cached, 'answer')} already cached: not sent (`coach critique` reads them for free)")
    for batch_id, count in skipped.in_open_batches.items():
        # Always said: these answers are not in this submission, whatever --quiet says.
        notes(f"{count_of(count, 'answer')} already in {batch_id}, not collected yet: not sent again "
              f"(`coach batch collect {batch_id}`)")
    if skipped.other_kinds and not quiet:
        notes(f"{count_of(skipped.other_kinds, 'thank-you email or question list', 'thank-you emails and question lists')} "
              "not sent in a batch: `coach critique` grades them, one request each")
