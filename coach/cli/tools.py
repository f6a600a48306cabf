"""Tools around the critique: the cache, measuring on labelled answers, the checks and their docs."""

from __future__ import annotations

import click

from coach.cli.app import cli
from coach.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, say_error
from coach.cli.config import check_settings, config_options, merged, selection_options
from coach.config import ConfigFileError


@cli.group()
def cache() -> None:
    """The cache of LLM critiques (COACH_CACHE_DIR overrides its folder)."""


@cache.command(name="info")
def cache_info() -> int:
    """Where the cache is, how many critiques it holds and its size."""
    from coach.batch.cache import FILE_NAME, Cache, cache_dir

    path = cache_dir() / FILE_NAME
    if not path.exists():
        click.echo(f"{path}: empty (no critique cached yet)")
        return EXIT_OK
    try:
        with Cache() as store:
            info = store.info()
    except Exception as error:  # noqa: BLE001 - sqlite3.Error and OSError, without importing sqlite3 here
        say_error(f"{path}: cannot read the cache ({error})")
        return EXIT_FAILED
    click.echo(f"{info.path}: {info.entries} critiques, {info.size_bytes / 1024:.0f} KiB")
    return EXIT_OK


@cache.command(name="clear")
def cache_clear() -> int:
    """Delete every cached critique."""
    from coach.batch.cache import FILE_NAME, Cache, cache_dir

    path = cache_dir() / FILE_NAME
    if not path.exists():
        click.echo(f"{path}: nothing to clear")
        return EXIT_OK
    try:
        with Cache() as store:
            removed = store.clear()
    except Exception as error:  # noqa: BLE001 - sqlite3.Error and OSError
        say_error(f"{path}: cannot clear the cache ({error})")
        return EXIT_FAILED
    click.echo(f"{path}: removed {removed} critiques")
    return EXIT_OK


@cli.command(name="eval")
@click.argument("labelled", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show-mistakes", is_flag=True, help="List which answers each label got wrong.")
def eval_command(labelled, output_format, show_mistakes) -> int:
    """Measure the offline engine on a labelled JSONL file (format: docs/eval.md)."""
    from coach.eval import labelled as evaluate
    from coach.render import evaluation
    from coach.rules import offline

    try:
        with click.open_file(labelled, encoding="utf-8") as handle:
            rows = evaluate.parse_labelled(handle, labelled)
    except (OSError, UnicodeDecodeError) as error:
        say_error(f"{labelled}: cannot read ({getattr(error, 'strerror', None) or error})")
        return EXIT_USAGE
    except evaluate.BadLabelledFile as error:
        say_error(str(error))
        return EXIT_USAGE
    critiques = [offline.critique(row.answer) for row in rows]
    report = evaluation.Report.build(rows, critiques, with_mistakes=show_mistakes)
    click.echo(report.to_json() if output_format == "json" else report.to_text(), nl=output_format == "json")
    return EXIT_OK


@cli.command(name="checks")
@selection_options
@config_options
def list_checks(select, ignore, config_file, no_config) -> int:
    """The checks coach runs: on or off and at what severity here (configuration, --select,
    --ignore), and what each looks for (`coach explain ID` for one in full)."""
    from coach.rules.check_docs import answer_check_ids, docs

    try:
        config = merged({"select": select, "ignore": ignore, "config_file": config_file, "no_config": no_config},
                        click.get_current_context())
    except ConfigFileError as error:
        say_error(str(error))
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
    from coach.rules.check_docs import docs

    known = docs()
    doc = known.get(check_id.lower())
    if doc is None:
        say_error(f"{check_id}: no such check (one of: {', '.join(known)})")
        return EXIT_USAGE
    for heading, key in (("What it looks for", "what"), ("Why it matters", "why"), ("Example", "example"), ("Fix", "fix")):
        click.echo(f"{heading}\n  {doc[key]}\n")
    return EXIT_OK
