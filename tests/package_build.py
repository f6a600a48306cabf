"""The wheel test_package.py inspects, and the fresh venv it is installed into.

Building the wheel (pip's isolated build env) and installing it with its dependencies (pip
resolves them against the index) take ~10 s, nearly all of it pip waiting on the network and
parsing index pages. When a session is going to run test_package.py, conftest.py starts both
here in a background thread as soon as collection ends, so the work overlaps the hundreds of
tests that run before that module; its fixtures then take the result (waiting if it is not
done). Run on its own, under xdist, or if nothing started it, the first fixture to ask does the
same work then and there. Either way it is the same commands on a copy of the work tree, once
per session.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import venv
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_COPY_IGNORE = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", ".venv*", "training")
_TIMEOUT = 900


@cache
def pip_available() -> bool:
    return subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode == 0


def clean_env() -> dict[str, str]:
    """No PYTHONPATH: the installed package, not the work tree, must be what runs."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith(("OPENAI_", "COACH_"))}


class PackageBuild:
    """Each step runs once, on whichever thread asks first; the others wait for its result."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="coach-package-"))
        self._wheel_lock, self._venv_lock = threading.Lock(), threading.Lock()
        self._wheel: tuple | None = None
        self._venv: tuple | None = None
        self._running: subprocess.Popen | None = None
        self._stopped = False
        self._thread: threading.Thread | None = None

    def wheel(self) -> tuple[Path, subprocess.CompletedProcess]:
        """The folder the wheel is written to, and pip's result."""
        with self._wheel_lock:
            if self._wheel is None:
                self._wheel = self._attempt(self._build_wheel)
            return self._unwrap(self._wheel)

    def venv(self, wheel: Path) -> tuple[Path, subprocess.CompletedProcess]:
        """The venv `wheel` was installed into, and pip's result."""
        with self._venv_lock:
            if self._venv is None:
                self._venv = self._attempt(lambda: self._install(wheel))
            return self._unwrap(self._venv)

    def start_in_background(self) -> None:
        def both() -> None:
            out, result = self.wheel()
            built = list(out.glob("coach-*.whl"))
            if result.returncode == 0 and len(built) == 1:
                self.venv(built[0])

        self._thread = threading.Thread(target=lambda: self._quietly(both), name="package-build", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """At the end of the session: stop a build still running (a run cut short), then remove it all."""
        self._stopped = True
        running = self._running
        if running is not None and running.poll() is None:
            try:
                os.killpg(running.pid, signal.SIGKILL)  # pip and the build backend it started
            except ProcessLookupError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)

    # --- the steps ------------------------------------------------------------------------------

    def _build_wheel(self) -> tuple[Path, subprocess.CompletedProcess]:
        source = self.root / "src" / "coach"
        shutil.copytree(REPO, source, ignore=_COPY_IGNORE)
        out = self.root / "wheels"
        out.mkdir()
        return out, self._pip("wheel", str(source), "--no-deps", "-w", str(out), "--quiet")

    def _install(self, wheel: Path) -> tuple[Path, subprocess.CompletedProcess]:
        """The wheel and the dependencies it declares, installed into a fresh, empty venv."""
        target = self.root / "venv" / "env"
        venv.EnvBuilder(with_pip=False).create(target)
        python = target / "bin" / "python"
        # --no-compile: byte-compiling the dependencies' thousands of files is a third of the
        # install, and the first run compiles what it imports anyway.
        return target, self._pip("--python", str(python), "install", "--quiet", "--no-compile", str(wheel))

    def _pip(self, *args: str) -> subprocess.CompletedProcess:
        if self._stopped:
            raise RuntimeError("the session ended before the package was built")
        command = [sys.executable, "-m", "pip", *args]
        # A process group of its own, so close() can stop pip with the build backend it started.
        self._running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                         env=clean_env(), start_new_session=True)
        try:
            stdout, stderr = self._running.communicate(timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self._running.pid, signal.SIGKILL)
            self._running.communicate()
            raise
        return subprocess.CompletedProcess(command, self._running.returncode, stdout, stderr)

    @staticmethod
    def _attempt(step) -> tuple:
        try:
            return (step(), None)
        except BaseException as error:  # noqa: BLE001 - handed to the fixture that asks
            return (None, error)

    @staticmethod
    def _unwrap(outcome: tuple):
        value, error = outcome
        if error is not None:
            raise error
        return value

    @staticmethod
    def _quietly(work) -> None:
        try:
            work()
        except BaseException:  # noqa: BLE001 - the fixture that asks re-raises it
            pass


_BUILD: PackageBuild | None = None


def build() -> PackageBuild:
    """The session's build, made on first use."""
    global _BUILD
    if _BUILD is None:
        _BUILD = PackageBuild()
    return _BUILD


def close() -> None:
    if _BUILD is not None:
        _BUILD.close()
