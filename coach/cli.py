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

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _stdout_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _error(message: str) -> None:
    click.echo(f"coach: error: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coach")
def cli() -> None:
    """Critique interview answers like a demanding, fair interview coach."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--question", "-q", help="The interview question the answer responds to.")
@click.option("--role", "-r", help="The role applied for (e.g. 'software engineer').")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--offline", is_flag=True, help="Use the rule-based engine even if an LLM endpoint is set.")
@click.option("--fail-under", type=click.IntRange(0, 100), help="Exit 1 if any score is below N.")
def critique(paths, question, role, output_format, offline, fail_under) -> int:
    """Critique the answers in PATH (a .txt/.md file, a folder of them, or - for stdin)."""
    from coach.engine import GradeOptions, grade
    from coach.models import InputError
    from coach.readers import UnreadableInput, read_answer, read_answers

    single = len(paths) == 1 and (paths[0] == "-" or not os.path.isdir(paths[0]))
    options = GradeOptions(offline=offline)
    results = []
    try:
        if single:
            results.append(grade(read_answer(paths[0], question=question, role=role), options))
        else:
            for item in read_answers(list(paths), question=question, role=role):
                results.append(item if isinstance(item, InputError) else grade(item, options))
    except UnreadableInput as error:
        _error(str(error))
        return EXIT_USAGE
    _emit(results, output_format, single)
    return _exit_status(results, fail_under)


def _emit(results, output_format: str, single: bool) -> None:
    if output_format == "json":
        from coach.render import json as renderer

        click.echo(renderer.render(results, single=single))
    else:
        from coach.render import text as renderer

        click.echo(renderer.render(results, color=_stdout_color()), nl=False)


def _exit_status(results, fail_under: int | None) -> int:
    from coach.models import InputError

    for result in results:
        if isinstance(result, InputError):
            _error(f"{result.source}: {result.error}")
    if any(isinstance(r, InputError) for r in results):
        return EXIT_FAILED
    if fail_under is not None and any(r.score < fail_under for r in results):
        return EXIT_FAILED
    return EXIT_OK


@cli.command(name="eval")
@click.argument("labelled", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show-mistakes", is_flag=True, help="List which answers each label got wrong.")
def eval_command(labelled, output_format, show_mistakes) -> int:
    """Measure the offline engine on a labelled JSONL file (see shared/eval/README.md)."""
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
    sys.exit(run())
