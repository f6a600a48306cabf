"""`coach batch submit`: send what is not cached yet, and record the batches."""

from __future__ import annotations

import click

from coach.cli.batch.shared import (
    RESPONSE_FORMAT_CHOICES,
    _base,
    _endpoint_choice,
    _engine_options,
    _grade_options,
    _input_options,
    _quiet_option,
    _say_skipped,
    _single,
    _store,
    batch_group,
)

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
    from coach.llm.urls import shown_host

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
