"""The command line: a thin edge over the pure core.

Commands return an exit status; only `main` exits. Exit codes (README):
0 ok; 1 a score below --fail-under or some input could not be graded;
2 usage error, or a single input that could not be read.

coach/cli/app.py holds the group; each module registers its commands: critique.py,
second_round.py (questions, practice, progress, compare), tools.py (cache, eval, checks,
explain), config.py (`coach config`), batch.py (`coach batch`).
"""

from __future__ import annotations

import os
import sys

import click

from coach.cli import critique, second_round, tools  # noqa: F401 - each registers its commands
from coach.cli.app import cli
from coach.cli.batch import batch_group
from coach.cli.common import EXIT_FAILED, EXIT_OK, collect_rarely_until_started
from coach.cli.config import show_config

cli.add_command(show_config)
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
    collect_rarely_until_started()
    status = run()
    # Everything is written and closed. Freezing spares the interpreter's exit a garbage
    # collection over every object alive, the openai SDK's thousands of classes included:
    # ~0.2 s of each LLM run's exit here, for memory the process returns anyway.
    import gc

    gc.freeze()
    sys.exit(status)
