"""`coach batch` (issue 14) against a loopback server with the Files and Batches APIs, through
the real openai SDK: request lines equal to the synchronous requests, splitting, scripted
progress, failures turned into labelled fallbacks, expired and cancelled batches, resubmits
that send only what is missing, an interrupted collect, export/import, the cache database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openai_batch_server import BatchScript, OpenAIBatchServer, http_error, junk, line_error, ok
from openai_server import completion, error, reply

from coach.batch import cache as cache_module
from coach.batch.cache import Cache
from coach.engine import GradeOptions, fingerprint
from coach.inputs.readers import read_answers
from coach.llm import batch_api
from coach.models import Answer
from tests.grounded_reply import grounded_review

COHORT = 6


def grounded(line: dict):
    return ok(completion(json.dumps(grounded_review(line["body"]))))


def write_cohort(folder: Path, n: int = COHORT, *, name: str = "cohort.jsonl") -> Path:
    rows = [{"id": f"a{i:02d}", "answer": f"At my last job I rebuilt the billing report number {i}, and I cut its run "
             f"time from {i + 10} minutes to {i + 2} minutes for the finance team."} for i in range(n)]
    path = folder / name
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def server(monkeypatch):
    with OpenAIBatchServer(default=lambda body: reply(grounded_review(body)), respond=grounded) as running:
        monkeypatch.setenv("OPENAI_BASE_URL", running.url)
        yield running


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """--wait's sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(batch_api, "sleep_between_polls", slept.append)
    return slept


def canonical(body: dict) -> str:
    return json.dumps(body, sort_keys=True)


def submitted_ids(ran) -> list[str]:
    return ran.out.split()


def submit(coach, path: Path, *extra: str) -> list[str]:
    ran = coach("batch", "submit", "--response-format", "json_schema", path, *extra)
    assert ran.code == 0, ran.err
    return submitted_ids(ran)


def collect(coach, *ids: str, extra: tuple[str, ...] = ("--wait",)):
    ran = coach("batch", "collect", *ids, "--format", "jsonl", *extra)
    return ran, [json.loads(line) for line in ran.out.splitlines()]


def cache_keys(path: Path) -> list[str]:
    fp = fingerprint(GradeOptions())
    return [cache_module.key(fp, answer) for answer in read_answers([str(path)])]


def cached_count() -> int:
    with Cache() as store:
        return store.info().entries


# --- the request file -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["json_schema", "json_object"])
def test_each_request_line_is_exactly_what_the_synchronous_engine_sends(coach, server, tmp_path, mode):
    path = write_cohort(tmp_path, 3)
    if mode == "json_object":  # the server refuses json_schema once; then every request is JSON-object mode
        server.script(error(400, "response_format json_schema is not supported"))
    assert coach("critique", "--no-cache", "--jobs", "1", path).code == 0
    synchronous = [body for body in server.requests if body["response_format"]["type"] == mode]
    assert len(synchronous) == 3

    exported = tmp_path / "requests.jsonl"
    ran = coach("batch", "export", path, "-o", exported, "--response-format", mode)
    assert ran.code == 0, ran.err
    lines = [json.loads(line) for line in exported.read_text().splitlines()]

    # Two grading threads: the synchronous requests may arrive in either order.
    assert sorted(map(canonical, (line["body"] for line in lines))) == sorted(map(canonical, synchronous))
    assert [line["custom_id"] for line in lines] == cache_keys(path)
    assert {(line["method"], line["url"]) for line in lines} == {("POST", "/v1/chat/completions")}


def test_submit_uploads_the_same_lines_with_purpose_batch_and_records_them(coach, server, tmp_path):
    path = write_cohort(tmp_path)
    exported = tmp_path / "requests.jsonl"
    assert coach("batch", "export", path, "-o", exported).code == 0
    (batch_id,) = submit(coach, path)

    (upload,) = [f for f in server.files.values() if f["purpose"] == "batch"]
    assert upload["content"] == exported.read_bytes()
    created = server.batches[batch_id]
    assert created.input_file_id in server.files
    with Cache() as store:
        record = store.batch(batch_id)
        assert [a.source for a in store.batch_answers(batch_id)] == [f"{path}#a{i:02d}" for i in range(COHORT)]
    assert record.requests == COHORT and record.response_format == "json_schema" and record.open
    assert record.endpoint == server.url


def test_without_response_format_one_synchronous_probe_decides_and_grades_its_answer(coach, server, tmp_path):
    path = write_cohort(tmp_path)
    server.script(error(400, "response_format json_schema is not supported"))
    ran = coach("batch", "submit", path)
    assert ran.code == 0, ran.err
    assert "json_object" in ran.err
    # The probe's answer was graded synchronously (and cached): the batch carries the others.
    lines = server.uploaded_lines()
    assert len(lines) == COHORT - 1 and cached_count() == 1
    assert {line["body"]["response_format"]["type"] for line in lines} == {"json_object"}
    assert server.count == 2  # the refused json_schema request, then the JSON-object one


def test_a_probe_that_cannot_decide_is_a_one_line_error_and_sends_no_batch(coach, server, tmp_path):
    path = write_cohort(tmp_path)
    server.default = error(401, "bad key")
    ran = coach("batch", "submit", path)
    assert ran.code == 1
    assert len(ran.err.splitlines()) == 2 and "--response-format" in ran.err and "Traceback" not in ran.err
    assert server.calls_to("POST", "/v1/files") == 0


def test_cached_answers_are_not_sent(coach, server, tmp_path):
    path = write_cohort(tmp_path)
    first_two = tmp_path / "first.jsonl"
    first_two.write_text("".join(path.read_text().splitlines(keepends=True)[:2]))
    assert coach("critique", first_two).code == 0
    ids = submit(coach, path)
    assert len(ids) == 1
    sent = [line["custom_id"] for line in server.uploaded_lines()]
    assert sent == cache_keys(path)[2:]


def test_past_the_request_limit_a_submission_is_split(coach, server, tmp_path, monkeypatch, sleeps):
    monkeypatch.setattr(batch_api, "LIMITS", batch_api.Limits(requests=4, size_bytes=10**9))
    path = write_cohort(tmp_path, 9)
    ids = submit(coach, path)
    assert [server.batches[i].counts["total"] for i in ids] == [4, 4, 1]
    ran, report = collect(coach, *ids)
    assert ran.code == 0, ran.err
    assert [entry["source"] for entry in report] == [f"{path}#a{i:02d}" for i in range(9)]


def test_collecting_several_batches_labels_each_answer_by_its_own_batch(coach, server, tmp_path, monkeypatch, sleeps):
    monkeypatch.setattr(batch_api, "LIMITS", batch_api.Limits(requests=3, size_bytes=10**9))
    server.scripts.extend([BatchScript(), BatchScript(progress=["validating", "expired"], runs=lambda i, line: False)])
    path = write_cohort(tmp_path)
    ids = submit(coach, path)
    ran, report = collect(coach, *ids)
    assert ran.code == 0, ran.err
    assert [e["engine"] for e in report] == ["llm"] * 3 + ["offline"] * 3
    assert all("expired" in e["fallback_reason"] for e in report[3:])


def test_past_the_size_limit_a_submission_is_split(coach, server, tmp_path, monkeypatch):
    path = write_cohort(tmp_path, 5)
    exported = tmp_path / "requests.jsonl"
    coach("batch", "export", path, "-o", exported)
    longest = max(len(line) for line in exported.read_bytes().splitlines(keepends=True))
    monkeypatch.setattr(batch_api, "LIMITS", batch_api.Limits(requests=1000, size_bytes=2 * longest + 1))
    ids = submit(coach, path)
    assert [server.batches[i].counts["total"] for i in ids] == [2, 2, 1]
    sizes = [len(f["content"]) for f in server.files.values() if f["purpose"] == "batch"]
    assert max(sizes) <= 2 * longest + 1


def test_duplicate_answers_share_one_request_and_both_are_reported(coach, server, tmp_path, sleeps):
    path = tmp_path / "twice.jsonl"
    text = "At my last job I rebuilt the billing report, and I cut its run time from 40 minutes to 4 minutes."
    path.write_text(json.dumps({"id": "x", "answer": text}) + "\n" + json.dumps({"id": "y", "answer": text}) + "\n")
    (batch_id,) = submit(coach, path)
    assert len(server.uploaded_lines()) == 1
    _, report = collect(coach, batch_id)
    assert [(e["source"], e["engine"]) for e in report] == [(f"{path}#x", "llm"), (f"{path}#y", "llm")]


# --- progress and collecting ------------------------------------------------------------------


def test_status_follows_the_batch_and_collect_waits_with_backoff(coach, server, tmp_path, sleeps):
    path = write_cohort(tmp_path)
    (batch_id,) = submit(coach, path)
    status = coach("batch", "status", "--format", "json")
    assert status.code == 0
    (row,) = json.loads(status.out)
    assert row["id"] == batch_id and row["status"] == "in_progress" and row["total"] == COHORT

    early = coach("batch", "collect", batch_id)
    assert early.code == 1 and "finalizing" in early.err and "--wait" in early.err and len(early.err.splitlines()) == 1
    server.scripts.clear()
    server.batches[batch_id].script = BatchScript(progress=["validating", "in_progress", "in_progress",
                                                            "in_progress", "finalizing", "completed"])
    server.batches[batch_id].step = 1
    ran, report = collect(coach, batch_id)
    assert ran.code == 0, ran.err
    assert sleeps == [5.0, 7.5, 11.25]  # polls until it ended, each wait longer
    assert [e["source"] for e in report] == [f"{path}#a{i:02d}" for i in range(COHORT)]
    assert all(e["engine"] == "llm" and e["fallback_reason"] is None for e in report)
    assert coach("batch", "status").out.strip() == "no open batches (`coach batch status ID` shows a collected one)"


def test_after_collect_coach_critique_sends_no_request(coach, server, tmp_path, sleeps):
    path = write_cohort(tmp_path)
    (batch_id,) = submit(coach, path)
    ran, _ = collect(coach, batch_id)
    assert ran.code == 0, ran.err
    before = server.count
    again = coach("critique", path, "--format", "jsonl")
    assert again.code == 0
    assert server.count == before == 0
    assert all(json.loads(line)["cached"] and json.loads(line)["engine"] == "llm" for line in again.out.splitlines())


def test_failed_and_junk_replies_become_labelled_fallbacks_and_only_they_are_resent(coach, server, tmp_path, sleeps):
    path = write_cohort(tmp_path)
    keys = cache_keys(path)
    bad = {
        keys[1]: http_error(500, "the model crashed"),
        keys[2]: line_error("batch_expired", "This request could not be executed before the completion window expired."),
        keys[3]: ok(completion("I would rather not say.")),
        keys[4]: ok(completion(json.dumps({**grounded_review({"messages": [{"role": "user", "content": "<answer>\nnothing from the answer at all here\n</answer>"}]})}))),
    }
    server.respond = lambda line: bad.get(line["custom_id"]) or grounded(line)
    (batch_id,) = submit(coach, path)
    ran, report = collect(coach, batch_id)
    assert ran.code == 0, ran.err
    reasons = [e["fallback_reason"] for e in report]
    assert reasons[0] is None and reasons[5] is None
    assert "HTTP 500" in reasons[1] and "the model crashed" in reasons[1]
    assert "batch_expired" in reasons[2]
    assert "not a valid review" in reasons[3]
    assert "quoted nothing" in reasons[4] or "junk" in reasons[4]
    assert [e["engine"] for e in report] == ["llm", "offline", "offline", "offline", "offline", "llm"]
    assert ran.err.count("used the offline engine") == 4 and "4 answers got no usable reply" in ran.err
    assert cached_count() == 2

    server.respond = grounded
    (again,) = submit(coach, path)
    assert sorted(line["custom_id"] for line in server.uploaded_lines()[COHORT:]) == sorted(keys[1:5])
    _, second = collect(coach, again)
    assert [e["engine"] for e in second] == ["llm"] * 4


def test_junk_lines_in_the_output_are_counted_and_their_answers_fall_back(coach, server, tmp_path, sleeps):
    path = write_cohort(tmp_path, 3)
    keys = cache_keys(path)
    server.respond = lambda line: junk("<html>oops</html>") if line["custom_id"] == keys[0] else grounded(line)
    (batch_id,) = submit(coach, path)
    ran, report = collect(coach, batch_id)
    assert "1 line of the results could not be read" in ran.err
    assert report[0]["engine"] == "offline" and "no line for this request" in report[0]["fallback_reason"]
    assert [e["engine"] for e in report[1:]] == ["llm", "llm"]


def test_no_fallback_turns_failures_into_error_entries(coach, server, tmp_path, sleeps):
    path = write_cohort(tmp_path, 2)
    keys = cache_keys(path)
    server.respond = lambda line: http_error(503, "overloaded") if line["custom_id"] == keys[1] else grounded(line)
    (batch_id,) = submit(coach, path)
    ran, report = collect(coach, batch_id, extra=("--wait", "--no-fallback"))
    assert ran.code == 1
    assert report[0]["engine"] == "llm"
    assert "error" in report[1] and "HTTP 503" in report[1]["error"]


def test_an_expired_batch_keeps_what_finished_and_resubmit_sends_the_rest(coach, server, tmp_path, sleeps):
    path = write_cohort(tmp_path)
    keys = cache_keys(path)
    server.scripts.append(BatchScript(progress=["validating", "in_progress", "expired"],
                                      runs=lambda index, line: line["custom_id"] in keys[:2]))
    (batch_id,) = submit(coach, path)
    ran, report = collect(coach, batch_id)
    assert ran.code == 0, ran.err
    assert [e["engine"] for e in report] == ["llm", "llm"] + ["offline"] * 4
    assert all("expired" in e["fallback_reason"] for e in report[2:])
    assert cached_count() == 2

    (again,) = submit(coach, path)
    assert [line["custom_id"] for line in server.uploaded_lines()[COHORT:]] == keys[2:]
    ran, report = collect(coach, again)
    assert [e["engine"] for e in report] == ["llm"] * 4
    assert server.count == 0 and coach("critique", path).code == 0 and server.count == 0


def test_a_batch_that_fails_validation_is_an_error_and_its_answers_can_be_sent_again(coach, server, tmp_path, sleeps):
    path = write_cohort(tmp_path, 2)
    server.scripts.append(BatchScript(progress=["validating", "failed"],
                                      errors=[{"code": "invalid_model", "message": "model gpt-4o-mini is not batchable", "line": 1}]))
    (batch_id,) = submit(coach, path)
    ran = coach("batch", "collect", batch_id, "--wait")
    assert ran.code == 1 and len([line for line in ran.err.splitlines() if "error" in line]) == 1
    assert "failed" in ran.err and "not batchable" in ran.err and "Traceback" not in ran.err
    with Cache() as store:
        assert not store.batch(batch_id).open
    (again,) = submit(coach, path)
    assert again != batch_id and len(server.uploaded_lines()) == 4


def test_answers_in_a_batch_not_yet_collected_are_not_sent_twice(coach, server, tmp_path):
    path = write_cohort(tmp_path)
    (batch_id,) = submit(coach, path)
    again = coach("batch", "submit", "--response-format", "json_schema", path)
    assert again.code == 0 and again.out == ""
    assert f"{COHORT} answers already in {batch_id}" in again.err
    assert server.calls_to("POST", "/v1/files") == 1


def test_cancel_then_collect_keeps_what_had_finished(coach, server, tmp_path, sleeps):
    path = write_cohort(tmp_path, 4)
    keys = cache_keys(path)
    server.scripts.append(BatchScript(runs=lambda index, line: line["custom_id"] == keys[0]))
    (batch_id,) = submit(coach, path)
    ran = coach("batch", "cancel", batch_id)
    assert ran.code == 0 and "cancelling" in ran.out
    ran, report = collect(coach, batch_id)
    assert ran.code == 0, ran.err
    assert [e["engine"] for e in report] == ["llm", "offline", "offline", "offline"]
    assert "cancelled" in report[1]["fallback_reason"]


def test_a_killed_collect_loses_nothing_it_finished(coach, server, tmp_path, sleeps, monkeypatch):
    from coach.llm.critic import LLMCritic

    path = write_cohort(tmp_path)
    (batch_id,) = submit(coach, path)
    judged = LLMCritic.critique_reply
    calls = []

    def interrupted_at_the_fourth(self, answer, completion):
        calls.append(answer.source)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return judged(self, answer, completion)

    monkeypatch.setattr(LLMCritic, "critique_reply", interrupted_at_the_fourth)
    ran, _ = collect(coach, batch_id)
    assert ran.code == 130
    assert cached_count() == 3  # stored as they were judged, not at the end
    monkeypatch.setattr(LLMCritic, "critique_reply", judged)

    ran, report = collect(coach, batch_id)
    assert ran.code == 0, ran.err
    assert [e["cached"] for e in report] == [True] * 3 + [False] * 3
    assert cached_count() == COHORT
    # The results downloaded by the interrupted collect were kept for the second one.
    assert server.calls_to("GET", r"/v1/files/.*/content") == 1
    assert not (Path(cache_module.cache_dir()) / "batches" / batch_id).exists()


# --- export and import ------------------------------------------------------------------------


def run_locally(requests: Path, results: Path, respond=grounded) -> None:
    """What vLLM's run_batch does with the file: one result line per request line."""
    with results.open("w") as out:
        for raw in requests.read_text().splitlines():
            line = json.loads(raw)
            result = respond(line)
            out.write(json.dumps({"id": "x", "custom_id": line["custom_id"],
                                  "response": {"status_code": result.status_code, "body": result.body},
                                  "error": result.error}) + "\n")


def test_export_then_import_fills_the_cache_for_critique(coach, server, tmp_path):
    path = write_cohort(tmp_path)
    requests, results = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    ran = coach("batch", "export", path, "-o", requests)
    assert ran.code == 0 and f"{COHORT} requests" in ran.err
    run_locally(requests, results)
    report_path = tmp_path / "report.jsonl"
    ran = coach("batch", "import", results, path, "-o", report_path)
    assert ran.code == 0, ran.err
    report = [json.loads(line) for line in report_path.read_text().splitlines()]
    assert [e["engine"] for e in report] == ["llm"] * COHORT
    assert coach("critique", path).code == 0 and server.count == 0
    # Exported again, nothing is left to send.
    assert coach("batch", "export", path, "-o", requests).code == 0 and requests.read_text() == ""


def test_import_with_other_settings_says_the_results_match_nothing(coach, server, tmp_path):
    path = write_cohort(tmp_path, 2)
    requests, results = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    coach("batch", "export", path, "-o", requests, "--model", "other-model")
    run_locally(requests, results)
    ran = coach("batch", "import", results, path, "--format", "jsonl")
    assert "2 result lines matched none of these answers" in ran.err
    assert all(json.loads(line)["fallback_reason"].startswith("no result for this answer") for line in ran.out.splitlines())


# --- bad input and the cache database ---------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("batch", "collect", "batch-nope"),
    ("batch", "cancel", "batch-nope"),
    ("batch", "status", "batch-nope"),
    ("batch", "submit", "missing-folder/"),
    ("batch", "import", "missing-results.jsonl", "missing.md"),
    ("batch", "collect", "x", "-o", "report.weird"),
])
def test_bad_input_is_one_line_and_exit_2(coach, server, args):
    ran = coach(*args)
    assert ran.code == 2, ran.err
    assert len(ran.err.splitlines()) == 1 and ran.err.startswith("coach: error: ") and "Traceback" not in ran.err


def test_submit_without_an_endpoint_is_one_line_and_sends_nothing(coach, tmp_path):
    ran = coach("batch", "submit", write_cohort(tmp_path))
    assert ran.code == 2 and len(ran.err.splitlines()) == 1 and "OPENAI_API_KEY" in ran.err


def test_a_server_without_the_batch_api_is_one_line(coach, tmp_path, monkeypatch):
    from openai_server import OpenAIServer

    with OpenAIServer(default=lambda body: reply(grounded_review(body))) as plain:
        monkeypatch.setenv("OPENAI_BASE_URL", plain.url)
        ran = coach("batch", "submit", "--response-format", "json_schema", write_cohort(tmp_path))
    assert ran.code == 1 and "HTTP 404" in ran.err and "export" in ran.err and "Traceback" not in ran.err
    with Cache() as store:
        assert store.batches() == []
        assert store._db.execute("SELECT COUNT(*) FROM batch_answers").fetchone() == (0,)


def test_an_old_cache_file_gains_the_batch_tables_and_keeps_its_critiques(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    old = sqlite3.connect(folder / cache_module.FILE_NAME)
    old.execute("CREATE TABLE critiques (key TEXT PRIMARY KEY, critique TEXT NOT NULL, stored REAL NOT NULL)")
    old.execute("INSERT INTO critiques VALUES ('k', '{}', 0)")
    old.commit()
    old.close()
    with Cache(folder) as store:
        assert store.info().entries == 1
        assert store.batches() == []
        assert store._db.execute("PRAGMA user_version").fetchone() == (cache_module.DB_LAYOUT,)
    with Cache(folder) as again:  # opening twice changes nothing
        assert again.info().entries == 1


def test_batch_answers_stream_back_in_input_order_past_a_page(tmp_path):
    with Cache(tmp_path) as store:
        answers = [Answer(text=f"answer {i}", source=f"s{i}") for i in range(1200)]
        store.stage_batch_answers("staging-x", [(i, f"k{i}", a) for i, a in enumerate(answers)])
        record = cache_module.BatchRecord(id="b1", endpoint="e", model="m", response_format="json_schema",
                                          fingerprint={}, submitted=0, requests=1200, size_bytes=1)
        store.record_batch(record, "staging-x")
        assert [a.source for a in store.batch_answers("b1")] == [a.source for a in answers]
        assert store.open_batch_with("k7") == "b1"
        store.set_batch_status("b1", "completed", collected=1.0)
        assert store.open_batch_with("k7") is None
