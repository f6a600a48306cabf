"""The user's configuration: `.coach.toml`, or `[tool.coach]` in `pyproject.toml`, found from the
current folder upward (the first folder holding either wins; `.coach.toml` before
`pyproject.toml` in the same folder), merged under the command line.

Every key, its type and its default is declared once, in `KEYS`; `coach config` prints the
merged values and where each came from. A key or value coach does not know is a one-line
`ConfigFileError` naming the file and the key, never ignored: a typo in `fail-under` must not
quietly let every answer pass.

    role = "software engineer"     # for answers that name no role
    engine = "offline"             # auto (LLM when an endpoint is set) | offline | llm
    model = "gpt-4o-mini"
    fail-under = 60
    ignore = ["hedging"]           # or select = [...]: only these checks
    [severity]                     # a check's findings at another level
    rambling = "info"
    [limits]
    words-per-minute = 140
    max-speaking-seconds = 150
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = ".coach.toml"
PYPROJECT = "pyproject.toml"
ENGINES = ("auto", "offline", "llm")
SEVERITIES = ("problem", "warning", "info")
DEFAULT_ORIGIN = "default"


class ConfigFileError(Exception):
    """A configuration file coach cannot use; one line naming the file and the key."""


@dataclass(frozen=True)
class Key:
    name: str  # as written in the file (kebab-case)
    default: Any
    check: Callable[[Any], str | None]  # the problem with a value, or None
    help: str


def _text(value) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def _integer(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"must be a whole number from {low} to {high}"

    return check


def _check_ids(value) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "must be a list of check ids"
    return _unknown_checks(value)


def _severities(value) -> str | None:
    if not isinstance(value, dict):
        return "must be a table of check = severity"
    wrong = [f"{check} = {level!r}" for check, level in value.items() if level not in SEVERITIES]
    if wrong:
        return f"{wrong[0]}: a severity is one of {', '.join(SEVERITIES)}"
    return _unknown_checks(list(value))


def _unknown_checks(ids: list[str]) -> str | None:
    from coach.rules.check_docs import answer_check_ids

    known = answer_check_ids()
    unknown = [check for check in ids if check not in known]
    return f"no such check: {unknown[0]} (one of: {', '.join(known)})" if unknown else None


# The limits a user may tune, with the defaults of coach/rules/thresholds.py.
LIMITS: dict[str, Key] = {
    key.name: key
    for key in (
        Key("words-per-minute", 150, _integer(60, 300), "speaking pace that turns words into seconds"),
        Key("max-speaking-seconds", 120, _integer(20, 900), "a spoken answer longer than this rambles"),
        Key("min-answer-words", 25, _integer(1, 500), "an answer shorter than this is too short to show anything"),
    )
}

KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key("role", None, _text, "the role applied for, for answers that name none"),
        Key("engine", "auto", _one_of(ENGINES), "auto: the LLM when an endpoint is set; offline: never send; llm: require one"),
        Key("model", None, _text, "the LLM engine's model (default gpt-4o-mini)"),
        Key("fail-under", None, _integer(0, 100), "exit 1 if any answer scores below this"),
        Key("select", None, _check_ids, "run only these checks"),
        Key("ignore", [], _check_ids, "never run these checks"),
        Key("severity", {}, _severities, "a check's findings reported at this severity"),
    )
}


@dataclass(frozen=True)
class Setting:
    value: Any
    origin: str  # "default", the file it came from, "--flag", or "env NAME"


@dataclass
class Config:
    """The merged configuration: each key's value and where it came from."""

    path: Path | None = None
    settings: dict[str, Setting] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.settings[name].value

    def override(self, name: str, value: Any, origin: str) -> None:
        """A value from the command line or the environment, above the file's."""
        if value is not None:
            self.settings[name] = Setting(value, origin)


def find(start: Path) -> Path | None:
    """The configuration file that applies in `start`: the nearest folder upward with one."""
    for folder in (start, *start.parents):
        dotfile = folder / CONFIG_FILE
        if dotfile.is_file():
            return dotfile
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and "coach" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def load(path: Path | None) -> Config:
    """Defaults, overlaid with the file at `path` (None: defaults only)."""
    config = Config(path=path, settings={name: Setting(_copy(key.default), DEFAULT_ORIGIN) for name, key in KEYS.items()})
    for name, key in LIMITS.items():
        config.settings[name] = Setting(key.default, DEFAULT_ORIGIN)
    if path is None:
        return config
    table = _read(path)
    if path.name == PYPROJECT:
        table = table.get("tool", {}).get("coach", {})
    origin = str(path)
    for name, value in _validated(table, path).items():
        config.settings[name] = Setting(value, origin)
    if "select" in table and table.get("ignore"):
        overlap = sorted(set(table["select"]) & set(table["ignore"]))
        if overlap:
            raise ConfigFileError(f"{path}: {overlap[0]} is both selected and ignored")
    return config


def resolve(explicit: str | None, no_config: bool, cwd: Path | None = None) -> Config:
    """The configuration a command runs with: --config FILE, none with --no-config, else
    the one found from the current folder upward."""
    if explicit and no_config:
        raise ConfigFileError("--config and --no-config contradict each other")
    if no_config:
        return load(None)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigFileError(f"{explicit}: no such configuration file")
        return load(path)
    return load(find((cwd or Path.cwd()).resolve()))


def _validated(table: Mapping[str, Any], path: Path) -> dict[str, Any]:
    values = {name: value for name, value in table.items() if name != "limits"}
    values = _checked(values, KEYS, path, what="key", prefix="", known_extra=("limits",))
    if "limits" in table:
        if not isinstance(table["limits"], dict):
            raise ConfigFileError(f"{path}: limits must be a table ([limits])")
        values |= _checked(table["limits"], LIMITS, path, what="limit", prefix="limits.")
    return values


def _checked(table: Mapping[str, Any], keys: dict[str, Key], path: Path, *, what: str, prefix: str,
             known_extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The table's values, each known and valid, or the first problem as a ConfigFileError."""
    for name, value in table.items():
        key = keys.get(name)
        if key is None:
            raise ConfigFileError(f"{path}: unknown {what} {name!r} (known: {', '.join([*keys, *known_extra])})")
        problem = key.check(value)
        if problem:
            raise ConfigFileError(f"{path}: {prefix}{name} {problem}")
    return dict(table)


def _read(path: Path) -> dict:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError(f"{path}: not valid TOML ({error})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigFileError(f"{path}: cannot read ({getattr(error, 'strerror', None) or error})") from None


def _copy(value):
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value
