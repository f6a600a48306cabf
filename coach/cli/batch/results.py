"""`coach batch collect`, `export` and `import`: the replies judged like synchronous ones, and the offline runners' files."""

from __future__ import annotations

import click

from coach.cli.batch.shared import (
    RESPONSE_FORMAT_CHOICES,
    _base,
    _engine_options,
    _input_options,
    _quiet_option,
    _records,
    _report_options,
    _runner_engine,
    _say_skipped,
    _service_for,
    _single,
    _store,
    batch_group,
)

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
