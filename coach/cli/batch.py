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


# --- submit -----------------------------------------------------------------------------------


@batch_group.command()
@_input_options
@click.option("--response-format", type=click.Choice(RESPONSE_FORMAT_CHOICES),
              help="Skip the probe: json_schema (OpenAI, vLLM) or json_object (older servers) "
                   "[default: one synchronous request finds out].")
@_engine_options
@_quiet_option
def submit(paths, question, role, kind, response_format, quiet, **engine_flags) -> int:
    """Send every answer in PATH that is not cached yet as Batch API requests; prints the
    batch ids. Nothing depends on the terminal staying open: `coach batch collect` later."""
    from itertools import chain

    from coach.engine import ConfigError, fingerprint
    from coach.inputs.readers import UnreadableInput
    from coach.llm import batch_jobs
    from coach.llm.batch_api import BatchApiError
    from coach.llm.client import shown_host

    base = _base()
    options = _grade_options(engine_flags)
    if options is None:
        return _base().EXIT_USAGE
    choice = _endpoint_choice("batch submit", options)
    if choice is None:
        return base.EXIT_USAGE
    notes = base.Notes()
    try:
        critic = batch_jobs.critic_for(options, choice)
        items = base.read_first(paths, _single(paths), question, role, None, notes, kind)
    except (ConfigError, UnreadableInput) as error:
        base.say_error(str(error))
        return base.EXIT_USAGE
    store = _store()
    if store is None:
        return base.EXIT_USAGE
    fp = fingerprint(options)
    skipped = batch_jobs.Skipped()
    submission = None
    with batch_jobs.service_for(choice, options) as service, store:
        _refresh_open_batches(store, service)
        todo = batch_jobs.pending(items, fp, store, skipped, skip_open=True)
        try:
            first = next(todo, None)
            if first is not None:
                if not quiet:
                    notes(f"sending answers to {shown_host(service.shown_url)} (model {critic.endpoint.model}) "
                          "through its Batch API")
                mode = response_format
                if mode is None:
                    mode, graded = batch_jobs.probe_response_format(critic, first, store, fp)
                    if not quiet:
                        notes(f"the server takes {mode} (one synchronous request{', graded ' + first.answer.source if graded else ''})")
                    first = None if graded else first
                submission = batch_jobs.Submission(service, store, critic, mode=mode, fingerprint=fp,
                                                   on_submitted=_say_submitted(mode))
                for item in chain([first] if first else [], todo):
                    submission.add(item)
                submission.finish()
        except (BatchApiError, batch_jobs.BatchJobError) as error:
            if submission is not None:
                submission.abort()
            base.say_error(str(error))
            _say_partly_submitted(submission)
            return base.EXIT_FAILED
        except BaseException:
            if submission is not None:
                submission.abort()
            raise
    _say_skipped(skipped, notes, quiet)
    if submission is not None and submission.submitted:
        ids = " ".join(info.id for info in submission.submitted)
        click.echo(f"coach: results within 24 h: `coach batch status` shows progress, "
                   f"`coach batch collect {ids} -o report.html` fetches them", err=True)
    elif not skipped.unreadable:
        click.echo("coach: nothing to send", err=True)
    return base.EXIT_FAILED if skipped.unreadable else base.EXIT_OK


def _say_submitted(mode: str):
    def say(info, part) -> None:
        click.echo(info.id)  # stdout: the ids alone, for scripts
        click.echo(f"coach: submitted {info.id}: {part.requests} request{'s' if part.requests != 1 else ''} "
                   f"({_size(part.size_bytes)}, {mode})", err=True)

    return say


def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1e6:.1f} MB" if size_bytes >= 100_000 else f"{size_bytes / 1e3:.1f} kB"


def _say_partly_submitted(submission) -> None:
    if submission is None or not submission.submitted:
        return
    ids = " ".join(info.id for info in submission.submitted)
    click.echo(f"coach: submitted before the error, and recorded: {ids}; `coach batch submit` again sends the rest",
               err=True)


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


def _refresh_open_batches(store, service) -> None:
    """The last status of each open batch on this server, so one that failed meanwhile no
    longer holds its answers back. Best effort: submit goes on without it."""
    from coach.llm.batch_api import BatchApiError

    for record in store.batches():
        if record.open and record.endpoint == service.shown_url and record.status not in ("completed", "expired", "cancelled"):
            try:
                store.set_batch_status(record.id, service.retrieve(record.id).status)
            except BatchApiError:
                return


# --- status and cancel ------------------------------------------------------------------------


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


@batch_group.command()
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--format", "output_format", type=click.Choice(STATUS_FORMATS), default="text", show_default=True)
def status(ids, output_format) -> int:
    """Status, request counts and age of the batches named (all open ones when none is)."""
    import json
    import time

    from coach.llm.batch_api import BatchApiError

    base = _base()
    store = _store()
    if store is None:
        return base.EXIT_USAGE
    with store:
        records = _records(store, ids)
        if records is None:
            return base.EXIT_USAGE
        if not records:
            click.echo("no open batches" + (" (`coach batch status ID` shows a collected one)" if store.batches() else ""))
            return base.EXIT_OK
        service = _service_for(records, "batch status")
        if service is None:
            return base.EXIT_USAGE
        with service:
            rows, failed = [], False
            for record in records:
                try:
                    info = service.retrieve(record.id)
                except BatchApiError as error:
                    base.say_error(f"{record.id}: {error}")
                    failed = True
                    continue
                store.set_batch_status(record.id, info.status)
                rows.append(_status_row(record, info, time.time()))
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        for row in rows:
            click.echo(_status_line(row))
    return base.EXIT_FAILED if failed else base.EXIT_OK


def _status_row(record, info, now: float) -> dict:
    return {
        "id": record.id, "status": info.status, "total": info.total, "completed": info.completed, "failed": info.failed,
        "age_seconds": round(now - record.submitted),
        "expires_in_seconds": round(info.expires_at - now) if info.expires_at and not info.ended else None,
        "model": record.model, "endpoint": record.endpoint, "response_format": record.response_format,
        "collected": record.collected is not None,
    }


def _status_line(row: dict) -> str:
    parts = [row["id"], row["status"], f"{row['completed']}/{row['total']} done, {row['failed']} failed",
             f"submitted {_duration(row['age_seconds'])} ago"]
    if row["expires_in_seconds"] is not None:
        parts.append(f"expires in {_duration(max(0, row['expires_in_seconds']))}")
    parts.append(f"{row['model']}, {row['response_format']}")
    if row["collected"]:
        parts.append("collected")
    elif row["status"] in ("completed", "expired", "cancelled"):
        parts.append(f"-> coach batch collect {row['id']}")
    return "  ".join(parts)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < _MINUTE:
        return f"{seconds} s"
    if seconds < _HOUR:
        return f"{seconds // _MINUTE} min"
    if seconds < _DAY:
        return f"{seconds // _HOUR} h {seconds % _HOUR // _MINUTE:02d} min"
    return f"{seconds // _DAY} d {seconds % _DAY // _HOUR} h"


@batch_group.command()
@click.argument("batch_id", metavar="ID")
def cancel(batch_id) -> int:
    """Cancel a batch; `coach batch collect ID` then keeps what had finished."""
    from coach.llm.batch_api import BatchApiError

    base = _base()
    store = _store()
    if store is None:
        return base.EXIT_USAGE
    with store:
        records = _records(store, [batch_id])
        service = _service_for(records, "batch cancel") if records else None
        if service is None:
            return base.EXIT_USAGE
        with service:
            try:
                info = service.cancel(batch_id)
            except BatchApiError as error:
                base.say_error(str(error))
                return base.EXIT_FAILED
        store.set_batch_status(batch_id, info.status)
    click.echo(f"{batch_id}: {info.status} ({info.completed} of {info.total} requests had finished); "
               f"`coach batch collect {batch_id}` keeps them once it is cancelled")
    return base.EXIT_OK


# --- collect and import -----------------------------------------------------------------------


@batch_group.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@_report_options
@click.option("--wait", is_flag=True, help="Poll (ever less often) until the batches have ended.")
@_quiet_option
def collect(ids, output_format, output, no_fallback, fail_under, wait, quiet) -> int:
    """Fetch the batches' results, judge every reply like a synchronous one (quotes verified,
    guard, rubric), cache the good ones and write the report like `coach critique`."""
    from coach.engine import ConfigError
    from coach.llm import batch_jobs
    from coach.llm.batch_api import BatchApiError
    from coach.llm.batch_replies import ReplyGrader

    base = _base()
    output_format = output_format or base.format_for_output(output)
    if not output_format:
        base.say_error(f"{output}: cannot tell the format from the extension; use --format")
        return base.EXIT_USAGE
    store = _store()
    if store is None:
        return base.EXIT_USAGE
    notes = base.Notes()
    with store:
        records = _records(store, ids)
        service = _service_for(records, "batch collect") if records else None
        if service is None:
            return base.EXIT_USAGE
        with service:
            try:
                sources = [_fetched(service, store, record, wait, notes, quiet) for record in records]
            except (BatchApiError, batch_jobs.BatchJobError) as error:
                base.say_error(str(error))
                return base.EXIT_FAILED
            except ConfigError as error:
                base.say_error(str(error))
                return base.EXIT_USAGE
        from coach.engine import settings_of

        checks, limits = settings_of(records[0].fingerprint)  # as submitted (one collect: one configuration)
        grader = ReplyGrader([source for _, source in sources], store, no_fallback=no_fallback, notify=notes,
                             checks=checks, limits=limits)
        answers = (answer for record in records for answer in store.batch_answers(record.id))
        run = base.BatchRun([], False, output_format, output, fail_under, True, notes)
        exit_status = run.run(answers, grader, False, None, 1, finish=grader.finish)
        for record, (status, _) in zip(records, sources):
            store.set_batch_status(record.id, status, collected=_now())
            batch_jobs.forget_results(record.id)
    _say_collected(grader.tally, quiet)
    return exit_status


def _fetched(service, store, record, wait: bool, notes, quiet: bool):
    """(status, BatchSource) of one ended batch, its results downloaded."""
    from coach.batch.cache import BATCH_FAILED
    from coach.llm import batch_jobs

    said = {}

    def on_poll(info) -> None:
        store.set_batch_status(record.id, BATCH_FAILED if info.status == "failed" else info.status)
        shown = (info.status, info.completed, info.failed)
        if wait and not quiet and said.get("last") != shown:
            notes(f"{record.id}: {info.status}, {info.completed + info.failed} of {info.total} requests done")
            said["last"] = shown

    info = batch_jobs.ended_info(service, record, wait=wait, on_poll=on_poll)
    return info.status, batch_jobs.source_for_batch(record, info.status, batch_jobs.download_results(service, info), store)


def _now() -> float:
    import time

    return time.time()


def _say_collected(tally, quiet: bool) -> None:
    from coach.wording import count_of

    if tally.fallbacks:
        click.echo(f"coach: {count_of(tally.fallbacks, 'answer')} got no usable reply and "
                   f"{'was' if tally.fallbacks == 1 else 'were'} graded offline (fallback_reason says why); "
                   "`coach batch submit` on the same inputs sends only those", err=True)
    elif not quiet:
        click.echo(f"coach: {count_of(tally.from_model + tally.from_cache, 'answer')} graded by the model and cached: "
                   "`coach critique` on the same inputs sends no request", err=True)


@batch_group.command(name="export")
@_input_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the requests to FILE [default: stdout] (replaced only once complete).")
@click.option("--response-format", type=click.Choice(RESPONSE_FORMAT_CHOICES), default="json_schema", show_default=True,
              help="json_object for runners without structured outputs.")
@click.option("--no-cache", is_flag=True, help="Export cached answers too.")
@_engine_options
@_quiet_option
def export_command(paths, question, role, kind, output, response_format, no_cache, quiet, **engine_flags) -> int:
    """Write the Batch API input file for PATH without uploading it: for vLLM's run_batch
    (`python -m vllm.entrypoints.openai.run_batch -i requests.jsonl -o results.jsonl`) or any
    runner of that format. Answers already cached are left out."""
    import contextlib
    import sys

    from coach.engine import ConfigError, fingerprint
    from coach.inputs.readers import UnreadableInput
    from coach.llm import batch_jobs
    from coach.render.report_file import ReportFile

    base = _base()
    engine = _runner_engine(engine_flags)
    if engine is None:
        return base.EXIT_USAGE
    options, environ, choice = engine
    notes = base.Notes()
    store = None if no_cache else base.open_cache()
    to_file = bool(output and output != "-")
    try:
        critic = batch_jobs.critic_for(options, choice)
        items = base.read_first(paths, _single(paths), question, role, output, notes, kind)
        skipped = batch_jobs.Skipped()
        todo = batch_jobs.pending(items, fingerprint(options, environ), store, skipped, skip_open=False)
        with ReportFile(output) if to_file else contextlib.nullcontext(sys.stdout) as out:
            written = batch_jobs.export(todo, critic, response_format, out)
    except (ConfigError, UnreadableInput, batch_jobs.BatchJobError) as error:
        base.say_error(str(error))
        return base.EXIT_USAGE
    except OSError as error:
        base.say_error(f"{output}: cannot write ({error.strerror or error})")
        return base.EXIT_USAGE
    finally:
        if store is not None:
            store.close()
    _say_skipped(skipped, notes, quiet)
    if to_file:
        click.echo(f"coach: wrote {output} ({written} request{'s' if written != 1 else ''}, model {critic.endpoint.model}, "
                   f"{response_format}); `coach batch import RESULTS {' '.join(paths)}` with the same options ingests "
                   "the runner's output", err=True)
    return base.EXIT_FAILED if skipped.unreadable else base.EXIT_OK


@batch_group.command(name="import")
@click.argument("results", metavar="RESULTS")
@_input_options
@_report_options
@_engine_options
@_quiet_option
def import_command(results, paths, question, role, kind, output_format, output, no_fallback, fail_under, quiet,
                   **engine_flags) -> int:
    """Ingest RESULTS (a runner's output for `coach batch export PATH...`) the way collect does:
    every reply judged, the good ones cached, the report written like `coach critique`."""
    from pathlib import Path

    from coach.engine import ConfigError, fingerprint
    from coach.inputs.readers import UnreadableInput
    from coach.llm import batch_jobs
    from coach.llm.batch_replies import ReplyGrader

    base = _base()
    output_format = output_format or base.format_for_output(output)
    if not output_format:
        base.say_error(f"{output}: cannot tell the format from the extension; use --format")
        return base.EXIT_USAGE
    engine = _runner_engine(engine_flags)
    if engine is None:
        return base.EXIT_USAGE
    options, environ, choice = engine
    notes = base.Notes()
    try:
        source = batch_jobs.source_for_file(Path(results), options, choice, fingerprint(options, environ))
        items = base.read_first(paths, _single(paths), question, role, output, notes, kind)
    except (ConfigError, UnreadableInput) as error:
        base.say_error(str(error))
        return base.EXIT_USAGE
    except OSError as error:
        base.say_error(f"{results}: cannot read ({error.strerror or error})")
        return base.EXIT_USAGE
    store = base.open_cache()
    try:
        grader = ReplyGrader([source], store, no_fallback=no_fallback, notify=notes, checks=options.checks, limits=options.limits)
        run = base.BatchRun(list(paths), _single(paths), output_format, output, fail_under, True, notes)
        exit_status = run.run(items, grader, False, None, 1, finish=grader.finish)
    finally:
        if store is not None:
            store.close()
    _say_collected(grader.tally, quiet)
    return exit_status
