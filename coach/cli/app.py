"""The `coach` command group; each command registers itself on it (coach/cli/*.py)."""

from __future__ import annotations

import click

from coach import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coach")
def cli() -> None:
    """Critique interview answers like a demanding, fair interview coach."""
