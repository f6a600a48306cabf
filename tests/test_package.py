"""The package as pip builds it: prompts ship inside the wheel, `coach` is a console script,
and the installed wheel runs from any folder (issue 2 §1).

The wheel is built from a copy of the work tree, so the shared tree gets no build/ or
*.egg-info litter. One build serves every test in this module; tests/package_build.py runs
it, in the background from the end of collection when the session includes this module.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO
from tests.package_build import build, pip_available
from tests.package_build import clean_env as _clean_env

_PROMPT_PATTERNS = ("*.j2", "*.json", "*.yaml", "*.md")  # [tool.setuptools.package-data] "coach.prompts"


pytestmark = pytest.mark.skipif(not pip_available(), reason="pip is not available to build a wheel")


@pytest.fixture(scope="module")
def wheel() -> Path:
    out, result = build().wheel()
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("coach-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _read(wheel: Path, suffix: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(suffix)]
        return archive.read(name).decode("utf-8")


def test_wheel_ships_every_prompt_file(wheel_names):
    prompts = [p.name for p in (REPO / "prompts").iterdir() if any(fnmatch(p.name, pat) for pat in _PROMPT_PATTERNS)]
    assert prompts, "prompts/ has no prompt files to ship"
    for name in prompts:
        assert f"coach/prompts/{name}" in wheel_names, name
    assert any(n.startswith("coach/prompts/") and n.endswith(".j2") for n in wheel_names)


def test_wheel_ships_the_code_and_not_the_tests(wheel_names):
    for module in ("coach/__init__.py", "coach/__main__.py", "coach/models.py", "coach/checks/star.py",
                   "coach/render/json.py", "coach/render/text.py"):
        assert module in wheel_names, module
    # Every module of every package, so a new sub-package left out of pyproject.toml fails here.
    for folder in ("cli", "cli/batch", "inputs", "batch", "checks", "render", "llm", "learned"):
        modules = {f"coach/{folder}/{p.name}" for p in (REPO / "coach" / folder).glob("*.py")}
        assert modules and modules <= wheel_names, folder
    check_modules = {f"coach/checks/{p.name}" for p in (REPO / "coach" / "checks").glob("*.py")}
    assert check_modules <= wheel_names
    # The checks' word lists and limits (coach/data/checks/), without which no answer is critiqued.
    check_data = {f"coach/data/checks/{p.name}" for p in (REPO / "coach" / "data" / "checks").glob("*.yaml")}
    assert check_data and check_data <= wheel_names
    assert not [n for n in wheel_names if n.startswith(("tests/", "bench/", "examples/"))]


def test_wheel_declares_the_console_script(wheel):
    entry_points = _read(wheel, ".dist-info/entry_points.txt")
    section = entry_points.split("[console_scripts]", 1)[1]
    assert "coach = coach.cli:main" in section.replace("  ", " ")


def test_wheel_requires_python_3_11(wheel):
    assert "Requires-Python: >=3.11" in _read(wheel, ".dist-info/METADATA")


@pytest.fixture(scope="module")
def installed(wheel) -> Path:
    """The wheel and the dependencies it declares, installed into a fresh, empty venv.

    Nothing is borrowed from the environment running the tests: a venv made with
    system_site_packages from inside another venv sees the *base* interpreter's packages, not
    the active venv's, so a dependency missing from pyproject.toml (or present only in the
    system Python) must fail here, as it would for a user."""
    target, result = build().venv(wheel)
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def test_installed_console_script_critiques_from_any_folder(installed, tmp_path):
    answer = tmp_path / "answer.md"
    shutil.copy(EXAMPLES / "strong-star.md", answer)
    result = subprocess.run(
        [str(installed / "bin" / "coach"), "critique", "--offline", "answer.md"],
        capture_output=True, text=True, cwd=tmp_path, env=_clean_env(), timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "score" in result.stdout and "STAR" in result.stdout


def test_installed_package_is_the_wheel_and_finds_its_prompts(installed, tmp_path):
    code = (
        "import coach, importlib.resources as r; "
        "print(coach.__file__); "
        "print(sorted(p.name for p in r.files('coach.prompts').iterdir() if p.name.endswith('.j2')))"
    )
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=tmp_path, env=_clean_env(), timeout=120
    )
    assert result.returncode == 0, result.stderr
    location, prompts = result.stdout.splitlines()
    assert str(installed) in location and str(REPO) not in location
    expected = sorted(p.name for p in (REPO / "prompts").glob("*.j2"))
    assert prompts == repr(expected)
