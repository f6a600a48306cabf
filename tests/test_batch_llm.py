"""Batches against a real OpenAI-compatible server on loopback: concurrency, per-answer
failures, the cache (hits, misses, invalidation, zero requests on a rerun) and resume."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.grounded_reply import answer_of, grounded_review
from coach.cache import Cache
from tests.conftest import REPO, run_coach
from tests.openai_server import OpenAIServer, Step, error, reply


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


def test_concurrent_batch_keeps_order_and_labels_failed_calls(tmp_path):
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


def test_jobs_is_the_number_of_requests_in_flight_however_many_threads_grade(tmp_path):
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


def test_no_fallback_turns_a_failed_call_into_an_error_entry_and_exit_1(tmp_path):
    path = _answers(tmp_path, 4)

    def respond(body):
        return error(400, "bad request") if "number 2," in answer_of(body) else reply(grounded_review(body))

    with OpenAIServer(default=respond) as server:
        result = run_coach("critique", "--no-fallback", "-j", "3", "--format", "json", str(path), env=_env(server, tmp_path / "c"))
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert [set(p) == {"source", "error"} for p in payload] == [False, False, True, False]
    assert payload[2]["source"] == f"{path}#a02" and "LLM engine failed" in payload[2]["error"]


def test_second_run_sends_no_requests_and_marks_results_cached(tmp_path):
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


def test_changing_a_prompt_template_or_the_model_misses_the_cache(tmp_path):
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


def test_the_api_key_never_reaches_the_cache_and_does_not_change_its_key(tmp_path):
    path = _answers(tmp_path, 1)
    with OpenAIServer(default=lambda body: reply(grounded_review(body))) as server:
        env = _env(server, tmp_path / "c")
        run_coach("critique", str(path), env=env | {"OPENAI_API_KEY": "sk-secret-one"})
        run_coach("critique", str(path), env=env | {"OPENAI_API_KEY": "sk-secret-two"})
        assert server.count == 1
    for file in (tmp_path / "c").iterdir():
        assert b"sk-secret" not in file.read_bytes()


def test_a_killed_run_resumes_with_only_what_is_missing(tmp_path):
    path = _answers(tmp_path, 12)
    cache = tmp_path / "c"
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
def test_offline_batches_do_not_touch_the_cache(tmp_path, no_cache):
    path = _answers(tmp_path, 2)
    flags = ["--no-cache"] if no_cache else []
    result = run_coach("critique", "--offline", *flags, str(path), env={"COACH_CACHE_DIR": str(tmp_path / "c")})
    assert result.returncode == 0
    assert not (tmp_path / "c").exists()


def test_an_unusable_cache_is_a_warning_and_the_batch_still_runs(tmp_path):
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
