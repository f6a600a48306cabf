"""Batches against a real OpenAI-compatible server on loopback: concurrency, per-answer
failures, the cache (hits, misses, invalidation, zero requests on a rerun), resume, and an
endpoint that is down (a few attempts, one note)."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from coach.batch.cache import Cache
from coach.llm.reachability import UNREACHABLE_AFTER
from tests.conftest import REPO
from tests.grounded_reply import answer_of, grounded_review
from tests.openai_server import OpenAIServer, Step, completion, error, reply


def _answers(folder: Path, n: int) -> Path:
    folder.mkdir(exist_ok=True)
    rows = [
        {"id": f"a{i:02d}", "answer": f"At my last job I rebuilt the billing report number {i}, "
         f"and I cut its run time from {i + 10} minutes to {i + 2} minutes for the finance team."}
        for i in range(n)
    ]
    path = folder / "answers.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _env(server: OpenAIServer, cache: Path) -> dict:
    return {"OPENAI_BASE_URL": server.url, "COACH_CACHE_DIR": str(cache)}


def _answers_cached(cache: Path) -> int:
    with Cache(cache) as store:
        return store.info().entries


def test_concurrent_batch_keeps_order_and_labels_failed_calls(run_coach, tmp_path):
    path = _answers(tmp_path, 12)

    def respond(body):
        answer = answer_of(body)
        if "number 3," in answer or "number 7," in answer:
            return error(400, "bad request")  # not retried: a per-answer failure
        return Step(body=reply(grounded_review(body)).body, delay=0.05 * (len(answer) % 3))

    with OpenAIServer(default=respond) as server:
        result = run_coach("critique", "--jobs", "4", "--format", "jsonl", str(path), env=_env(server, tmp_path / "c"))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["source"] for line in lines] == [f"{path}#a{i:02d}" for i in range(12)]
    fell_back = [line["source"] for line in lines if line["fallback_reason"]]
    assert fell_back == [f"{path}#a03", f"{path}#a07"]
    assert all(line["engine"] == "llm" for line in lines if not line["fallback_reason"])
    # Fallbacks are not cached; the 10 good critiques are.
    assert _answers_cached(tmp_path / "c") == 10


def test_jobs_is_the_number_of_requests_in_flight_however_many_threads_grade(run_coach, tmp_path):
    path = _answers(tmp_path, 12)
    lock, active, peak = threading.Lock(), [0], [0]

    def respond(body):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.15)  # the server is busy with this request meanwhile
        with lock:
            active[0] -= 1
        return reply(grounded_review(body))

    with OpenAIServer(default=respond) as server:
        result = run_coach("critique", "--jobs", "3", "--format", "jsonl", str(path), env=_env(server, tmp_path / "c"))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 12 and all(line["engine"] == "llm" for line in lines)
    assert peak[0] == 3


def test_no_fallback_turns_a_failed_call_into_an_error_entry_and_exit_1(run_coach, tmp_path):
    path = _answers(tmp_path, 4)

    def respond(body):
        return error(400, "bad request") if "number 2," in answer_of(body) else reply(grounded_review(body))

    with OpenAIServer(default=respond) as server:
        result = run_coach("critique", "--no-fallback", "-j", "3", "--format", "json", str(path), env=_env(server, tmp_path / "c"))
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert [set(p) == {"source", "error"} for p in payload] == [False, False, True, False]
    assert payload[2]["source"] == f"{path}#a02" and "LLM engine failed" in payload[2]["error"]


def test_second_run_sends_no_requests_and_marks_results_cached(run_coach, tmp_path):
    path = _answers(tmp_path, 6)
    with OpenAIServer(default=lambda body: reply(grounded_review(body))) as server:
        first = run_coach("critique", "-j", "3", "--format", "json", str(path), env=_env(server, tmp_path / "c"))
        sent = server.count
        second = run_coach("critique", "-j", "3", "--format", "json", str(path), env=_env(server, tmp_path / "c"))
        assert server.count == sent == 6
        uncached = run_coach("critique", "--no-cache", "--format", "json", str(path), env=_env(server, tmp_path / "c"))
        assert server.count == 12
    before, after = json.loads(first.stdout), json.loads(second.stdout)
    assert [c["cached"] for c in before] == [False] * 6 and [c["cached"] for c in after] == [True] * 6
    strip = lambda items: [{k: v for k, v in c.items() if k != "cached"} for c in items]  # noqa: E731
    assert strip(before) == strip(after)
    assert [c["cached"] for c in json.loads(uncached.stdout)] == [False] * 6


def test_changing_a_prompt_template_or_the_model_misses_the_cache(run_coach, tmp_path):
    path = _answers(tmp_path, 2)
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts", prompts)
    with OpenAIServer(default=lambda body: reply(grounded_review(body))) as server:
        env = _env(server, tmp_path / "c")
        run = lambda *extra: run_coach("critique", "--prompts", str(prompts), *extra, "--format", "json", str(path), env=env)  # noqa: E731
        run()
        run()
        assert server.count == 2  # the rerun hit
        system = prompts / "system.j2"
        system.write_text(system.read_text(encoding="utf-8") + "\nBe brief.\n", encoding="utf-8")
        run()
        assert server.count == 4  # an edited template is a different engine
        run("--model", "another-model")
        assert server.count == 6
        run("--model", "another-model")
        assert server.count == 6


def test_the_api_key_never_reaches_the_cache_and_does_not_change_its_key(run_coach, tmp_path):
    path = _answers(tmp_path, 1)
    with OpenAIServer(default=lambda body: reply(grounded_review(body))) as server:
        env = _env(server, tmp_path / "c")
        run_coach("critique", str(path), env=env | {"OPENAI_API_KEY": "sk-secret-one"})
        run_coach("critique", str(path), env=env | {"OPENAI_API_KEY": "sk-secret-two"})
        assert server.count == 1
    for file in (tmp_path / "c").iterdir():
        assert b"sk-secret" not in file.read_bytes()


def test_a_killed_run_resumes_with_only_what_is_missing(run_coach, tmp_path):
    path = _answers(tmp_path, 12)
    cache = tmp_path / "c"
    # Slow replies while the child runs, so it is killed with most answers still to grade (at
    # 0.15 s a busy machine let it finish all 12 before the poll below saw 4).
    with OpenAIServer(default=lambda body: reply(grounded_review(body), delay=0.3)) as server:
        env = _env(server, cache)
        child = subprocess.Popen(
            [sys.executable, "-m", "coach", "critique", "-j", "2", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl"), str(path)],
            env=_child_env(env), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while _cached_or_zero(cache) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        done = _cached_or_zero(cache)
        assert 4 <= done < 12
        out = tmp_path / "out.jsonl"  # created with the first result in input order, not before
        written = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
        assert all(json.loads(line)["score"] >= 0 for line in written)  # whole lines only
        before = server.count
        server.default = lambda body: reply(grounded_review(body))  # the resumed run need not wait
        result = run_coach("critique", "-j", "4", "--format", "json", str(path), env=env)
        assert result.returncode == 0, result.stderr
        assert server.count - before == 12 - done
    payload = json.loads(result.stdout)
    assert len(payload) == 12 and sum(c["cached"] for c in payload) == done


def _cached_or_zero(cache: Path) -> int:
    try:
        return _answers_cached(cache)
    except Exception:  # noqa: BLE001 - not created yet
        return 0


def _child_env(extra: dict) -> dict:
    import os

    from tests.conftest import _ISOLATED_VARS

    env = {k: v for k, v in os.environ.items() if k not in _ISOLATED_VARS}
    return env | {"PYTHONPATH": str(REPO)} | extra


@pytest.mark.parametrize("no_cache", [False, True])
def test_offline_batches_do_not_touch_the_cache(run_coach, tmp_path, no_cache):
    path = _answers(tmp_path, 2)
    flags = ["--no-cache"] if no_cache else []
    result = run_coach("critique", "--offline", *flags, str(path), env={"COACH_CACHE_DIR": str(tmp_path / "c")})
    assert result.returncode == 0
    assert not (tmp_path / "c").exists()


def test_an_unusable_cache_is_a_warning_and_the_batch_still_runs(run_coach, tmp_path):
    path = _answers(tmp_path, 2)
    cache = tmp_path / "c"
    cache.mkdir()
    (cache / "critiques.sqlite3").write_bytes(b"not a database at all" * 50)
    with OpenAIServer(default=lambda body: reply(grounded_review(body))) as server:
        result = run_coach("critique", "--format", "json", str(path), env=_env(server, cache))
        assert server.count == 2
    assert result.returncode == 0
    assert [c["engine"] for c in json.loads(result.stdout)] == ["llm", "llm"]
    assert "coach: warning: cache unavailable" in result.stderr and "Traceback" not in result.stderr


# --- issue 11 §3: a batch that notices the endpoint is down -----------------------------------

_UNREACHABLE_NOTE = re.compile(
    r"coach: note: (\S+) is unreachable \(([^)]+)\) after (\d+) attempts; (the other )?(\d+) answers? (?:was|were) graded offline"
)


class _Doorway:
    """A TCP server on loopback that counts connections and, in turn, closes each at once
    (a port with nothing behind it: a dead container behind Docker's proxy, say) or answers
    it with a chat completion built from the request. `pattern` repeats: "close"/"reply"."""

    def __init__(self, pattern: tuple[str, ...] = ("close",)):
        self.pattern, self.accepted = pattern, 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}/v1"

    def __enter__(self) -> _Doorway:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.close()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:  # closed by __exit__
                return
            action = self.pattern[self.accepted % len(self.pattern)]
            self.accepted += 1
            with connection:
                if action == "reply":
                    _answer(connection)


def _answer(connection: socket.socket) -> None:
    stream = connection.makefile("rb")
    length = 0
    for line in iter(stream.readline, b"\r\n"):
        name, _, value = line.decode("latin-1").partition(":")
        length = int(value) if name.strip().lower() == "content-length" else length
    body = json.loads(stream.read(length))
    payload = json.dumps(completion(json.dumps(grounded_review(body)))).encode()
    head = f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(payload)}\r\nconnection: close\r\n\r\n"
    connection.sendall(head.encode() + payload)


def _closed_port_url() -> str:
    with OpenAIServer() as closed:
        return closed.url


def test_a_batch_against_a_closed_port_stops_trying_and_says_so_in_one_note(tmp_path, coach, monkeypatch):
    path = _answers(tmp_path, 60)
    url = _closed_port_url()
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    ran = coach("critique", "--format", "jsonl", "--quiet", str(path))
    assert ran.code == 0, ran.err  # fallbacks, as ever, are not failures
    lines = [json.loads(line) for line in ran.out.splitlines()]
    assert len(lines) == 60 and all(line["engine"] == "offline" for line in lines)
    assert all(line["fallback_reason"].startswith(f"cannot connect to {url}: connection refused") for line in lines)
    tried = [line for line in ran.err.splitlines() if "LLM engine failed" in line]
    summaries = [m for m in map(_UNREACHABLE_NOTE.fullmatch, ran.err.splitlines()) if m]
    assert len(tried) <= UNREACHABLE_AFTER and len(summaries) == 1
    shown, cause, attempts, other, unsent = summaries[0].groups()
    assert (shown, cause, int(attempts)) == (url, "connection refused", UNREACHABLE_AFTER)
    assert int(unsent) + len(tried) == 60 and bool(other) == bool(tried)
    assert len(ran.err.splitlines()) == len(tried) + 1  # nothing else on stderr


def test_a_server_that_accepts_and_closes_gets_a_handful_of_connections_whatever_the_jobs(tmp_path, coach, monkeypatch):
    path = _answers(tmp_path, 60)
    with _Doorway() as doorway:
        monkeypatch.setenv("OPENAI_BASE_URL", doorway.url)
        ran = coach("critique", "--format", "jsonl", "--jobs", "16", str(path))
    assert ran.code == 0, ran.err
    # One attempt at a time probes a server not yet heard from, so about UNREACHABLE_AFTER
    # connections are made (a loaded machine may let a few more through), not 60 x 3.
    assert UNREACHABLE_AFTER <= doorway.accepted <= 2 * UNREACHABLE_AFTER
    assert len([line for line in ran.err.splitlines() if _UNREACHABLE_NOTE.fullmatch(line)]) == 1
    assert all(json.loads(line)["fallback_reason"] for line in ran.out.splitlines())


def test_a_reply_between_connection_failures_resets_the_count(tmp_path, coach, monkeypatch):
    path = _answers(tmp_path, 9)
    with _Doorway(pattern=("close", "close", "reply")) as doorway:
        monkeypatch.setenv("OPENAI_BASE_URL", doorway.url)
        ran = coach("critique", "--format", "jsonl", "--max-retries", "0", "--jobs", "1", "--no-cache", str(path))
    assert ran.code == 0, ran.err
    assert doorway.accepted == 9  # never UNREACHABLE_AFTER failures in a row: every answer was sent
    engines = [json.loads(line)["engine"] for line in ran.out.splitlines()]
    assert engines.count("llm") == 3 and engines.count("offline") == 6
    assert "unreachable" not in ran.err


def test_http_errors_from_a_live_server_never_count_as_unreachable(tmp_path, coach, monkeypatch):
    path = _answers(tmp_path, 8)
    with OpenAIServer(default=error(500, "model crashed")) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        ran = coach("critique", "--format", "jsonl", "--max-retries", "0", "-j", "2", str(path))
        assert server.count == 8
    assert ran.code == 0, ran.err
    assert "unreachable" not in ran.err
    assert len([line for line in ran.err.splitlines() if "HTTP 500" in line]) == 8


def _port_that_never_accepts() -> tuple[socket.socket, list[socket.socket]]:
    """A listening socket whose backlog is full: the kernel drops further SYNs, so a connect
    times out (a firewalled host, without leaving the machine)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    return listener, fillers


def test_connect_timeouts_count_as_unreachable(tmp_path, coach, monkeypatch):
    listener, fillers = _port_that_never_accepts()
    try:
        try:
            socket.create_connection(listener.getsockname(), timeout=0.1).close()
            pytest.skip("this kernel accepts connections past a full backlog")
        except TimeoutError:
            pass
        monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{listener.getsockname()[1]}/v1")
        # A dropped SYN is resent after 1 s: any timeout below that is a connect timeout.
        ran = coach("critique", "--format", "jsonl", "--timeout", "0.1", "--max-retries", "0", "-j", "1",
                    str(_answers(tmp_path, 12)))
    finally:
        for sock in (listener, *fillers):
            sock.close()
    assert ran.code == 0, ran.err
    reasons = [json.loads(line)["fallback_reason"] for line in ran.out.splitlines()]
    assert all("connect timed out" in reason for reason in reasons)  # never reached: not "the model is slow"
    assert sum("not sent" in reason for reason in reasons) >= 12 - 2 * UNREACHABLE_AFTER
    assert len([line for line in ran.err.splitlines() if _UNREACHABLE_NOTE.fullmatch(line)]) == 1
