"""The command line's side of the configuration (coach/config.py): --config, --no-config,
--select and --ignore, the merge of file, environment and flags, and `coach config`."""

from __future__ import annotations

import click

from coach.config import Config, ConfigFileError, resolve


def config_options(command):
    """--config FILE / --no-config: which configuration file applies."""
    options = [
        click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
                     help="Read the configuration from FILE [default: .coach.toml or [tool.coach] in pyproject.toml, "
                          "from the current folder upward]."),
        click.option("--no-config", is_flag=True, help="Ignore any configuration file."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def selection_options(command):
    """--select / --ignore CHECK (repeatable, or comma-separated)."""
    options = [
        click.option("--select", multiple=True, metavar="CHECK", help="Run only these checks (repeat, or a,b)."),
        click.option("--ignore", multiple=True, metavar="CHECK", help="Do not run these checks (repeat, or a,b)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def merged(params: dict, ctx: click.Context) -> Config:
    """The configuration file's values under the command line's (and the environment's).

    Raises ConfigFileError (one line) for an unusable file or an unknown check."""
    config = resolve(params.get("config_file"), params.get("no_config", False))
    for flag, key in (("role", "role"), ("model", "model"), ("fail_under", "fail-under")):
        if flag in params:
            config.override(key, params[flag], _origin(ctx, flag))
    if params.get("offline"):
        config.override("engine", "offline", "--offline")
    for flag in ("select", "ignore"):
        ids = _ids(params.get(flag) or ())
        if ids:
            from coach.config import KEYS

            problem = KEYS[flag].check(ids)
            if problem:
                raise ConfigFileError(f"--{flag}: {problem}")
            config.override(flag, ids, f"--{flag}")
    return config


def check_settings(config: Config):
    from coach.rules.check_settings import CheckSettings

    return CheckSettings.chosen(config["select"], config["ignore"], config["severity"])


def limits_of(config: Config):
    from coach.config import LIMITS
    from coach.rules.thresholds import Limits

    return Limits(**{name.replace("-", "_"): config[name] for name in LIMITS})


def _ids(values) -> list[str]:
    return [part.strip().lower() for value in values for part in value.split(",") if part.strip()]


def _origin(ctx: click.Context, name: str) -> str:
    source = ctx.get_parameter_source(name)
    if source is click.core.ParameterSource.ENVIRONMENT:
        option = next(p for p in ctx.command.params if p.name == name)
        return f"env {option.envvar}"
    return "--" + name.replace("_", "-")


@click.command(name="config")
@config_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show_config(config_file, no_config, output_format) -> int:
    """The configuration in force here: each key's value and where it came from."""
    import json

    try:
        config = resolve(config_file, no_config)
    except ConfigFileError as error:
        click.echo(f"coach: error: {error}", err=True)
        return 2
    if output_format == "json":
        payload = {"file": str(config.path) if config.path else None,
                   "settings": {name: {"value": s.value, "from": s.origin} for name, s in config.settings.items()}}
        click.echo(json.dumps(payload, indent=2))
        return 0
    click.echo(f"configuration file: {config.path or 'none found (defaults)'}")
    for name, setting in config.settings.items():
        click.echo(f"{name:22} {_shown(setting.value):32} {setting.origin}")
    return 0


def _shown(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "(none)"
    return str(value)
