"""Shared test set-up: every test runs with a clean, isolated environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
_ISOLATED_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_MODEL", "NO_COLOR", "COACH_CACHE_DIR")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No real key, endpoint or cache leaks into a test, and none leaks out of it."""
    for name in _ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))


def run_coach(*args: str, stdin: str | None = None, env: dict | None = None, cwd: Path | None = None):
    """Run `python -m coach` as a user would, in a child process; returns CompletedProcess."""
    # isolated_env already cleared these for the test; its per-test COACH_CACHE_DIR must reach
    # the child too, or every child shares the user's real cache and serves stale critiques.
    full_env = {k: v for k, v in os.environ.items() if k not in _ISOLATED_VARS or k == "COACH_CACHE_DIR"}
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
