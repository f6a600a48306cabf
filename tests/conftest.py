"""Shared test set-up: every test runs with a clean, isolated environment."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
_ISOLATED_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_MODEL", "NO_COLOR", "COACH_CACHE_DIR", "COACH_DATA_DIR")


def pytest_collection_finish(session):
    """A session that runs test_package.py starts building its wheel now, in the background
    (tests/package_build.py): pip's ~10 s then overlap the tests that run before it."""
    config = session.config
    if config.option.collectonly or hasattr(config, "workerinput"):  # xdist workers build when asked
        return
    if any(item.path.name == "test_package.py" for item in session.items):
        from tests import package_build

        if package_build.pip_available():
            package_build.build().start_in_background()


def pytest_sessionfinish(session):
    package_build = sys.modules.get("tests.package_build")
    if package_build is not None:
        package_build.close()


@pytest.fixture(scope="session")
def no_certificates(tmp_path_factory) -> Path:
    """An empty CA folder: the trust store of a test, which talks plain HTTP to loopback only."""
    return tmp_path_factory.mktemp("no-certificates")


@pytest.fixture(autouse=True)
def isolated_env(request, monkeypatch, tmp_path):
    """No real key, endpoint or cache leaks into a test, and none leaks out of it."""
    for name in _ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    if request.node.get_closest_marker("llama") is None:
        # Every openai client builds an SSL context, and loading the system's CA bundle into it
        # takes ~25 ms: over a hundred clients a run. The tests' servers are plain HTTP on
        # loopback, so trust nothing (an empty SSL_CERT_DIR loads nothing, and no test can
        # reach a real HTTPS endpoint by mistake). The llama.cpp tests are left as they are.
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        monkeypatch.setenv("SSL_CERT_DIR", str(request.getfixturevalue("no_certificates")))


@pytest.fixture(autouse=True)
def fresh_response_format_memory(request):
    """coach.llm.response_modes.MODES remembers, for the life of the process, which response format
    each base URL takes: one `coach` run talks to one server. A test run starts a hundred
    loopback servers, and the kernel hands their ports out again (a few repeats a run), so a
    test could meet what an earlier test's server said on the same URL. Each test starts with
    an empty memory, as each `coach` process does. (The llama.cpp tests share one server.)"""
    client = sys.modules.get("coach.llm.response_modes")
    if client is None or request.node.get_closest_marker("llama") is not None:
        yield  # not imported yet: the test's first import makes a fresh one
        return
    shared = client.MODES
    fresh = type(shared)()

    def holders():  # every module that imported the name, including any imported during the test
        return [m for n, m in list(sys.modules.items()) if n.startswith("coach.") and isinstance(getattr(m, "MODES", None), type(shared))]

    for module in holders():
        module.MODES = fresh
    yield
    for module in holders():
        module.MODES = shared


def run_coach_child(*args: str, stdin: str | None = None, env: dict | None = None, cwd: Path | None = None):
    """Run `python -m coach` as a user would, in a child process; returns CompletedProcess.

    For what only a real process shows (imports at start-up, exit at interpreter level, a
    terminal, a broken pipe, hash seeds): the other tests use the `run_coach` fixture."""
    # isolated_env already cleared these for the test; its per-test COACH_CACHE_DIR must reach
    # the child too, or every child shares the user's real cache and serves stale critiques.
    full_env = {k: v for k, v in os.environ.items() if k not in _ISOLATED_VARS or k in ("COACH_CACHE_DIR", "COACH_DATA_DIR")}
    full_env["PYTHONPATH"] = str(REPO)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO,
        timeout=120,
    )


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def coach(capsys, monkeypatch):
    """Run the CLI in this process (`coach.cli.run`): coach("critique", "x.md") -> Ran.

    `stdin=` feeds standard input. Far cheaper than a child process, and the exit status is
    the one `main` would exit with."""
    import io

    from coach.cli import run

    def invoke(*args: str, stdin: str | bytes | None = None) -> Ran:
        if stdin is not None:
            data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def run_coach(capsys, monkeypatch):
    """`coach ARGS` in this process, the way run_coach_child runs it in a child:
    run_coach(*args, stdin=, env=, cwd=) -> CompletedProcess. The environment, folder and
    standard input are the call's own, restored after it."""
    import io

    from coach.cli import run

    def invoke(*args: str, stdin: str | None = None, env: dict | None = None, cwd: Path | None = None):
        with monkeypatch.context() as scope:
            for name, value in (env or {}).items():
                scope.setenv(name, value)
            scope.chdir(cwd or REPO)
            data = (stdin or "").encode("utf-8")
            scope.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
            capsys.readouterr()
            code = run([str(a) for a in args])
            captured = capsys.readouterr()
        return subprocess.CompletedProcess(["coach", *args], code, captured.out, captured.err)

    return invoke
