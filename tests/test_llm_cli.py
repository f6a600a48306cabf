"""The LLM engine through the real command line: `python -m coach` against a loopback server."""

from __future__ import annotations

import json
import shutil
import sys

import pytest
from conftest import REPO
from llm_replies import STRONG_PATH, strong_review
from openai_server import OpenAIServer, error, reply

STRONG = str(STRONG_PATH)
QUICK = 0.01


@pytest.fixture
def server():
    with OpenAIServer() as running:
        yield running


def env_for(server: OpenAIServer, **extra: str) -> dict:
    return {"OPENAI_BASE_URL": server.url, **extra}


def test_without_an_endpoint_the_offline_engine_runs_and_sends_nothing(run_coach):
    result = run_coach("critique", "--format", "json", STRONG)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == "offline"


def test_with_a_base_url_the_llm_engine_grades(run_coach, server):
    server.script(reply(strong_review()))
    result = run_coach("critique", "--format", "json", "--no-cache", STRONG, env=env_for(server, COACH_MODEL="env-model"))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["engine"] == "llm" and payload["model"] == "env-model" and payload["fallback_reason"] is None
    assert payload["usage"]["requests"] == 1
    assert server.requests[0]["model"] == "env-model"
    # The only note says where the answer went (issue 11 §4).
    host = server.url.split("//")[1].split("/")[0]
    assert result.stderr == f"coach: note: sending answers to {host} (model env-model); --offline keeps them on this machine\n"


def test_model_flag_beats_the_environment(run_coach, server):
    server.script(reply(strong_review()))
    result = run_coach("critique", "--format", "json", "--model", "flag-model", STRONG, env=env_for(server, COACH_MODEL="env-model"))
    assert json.loads(result.stdout)["model"] == "flag-model"
    assert server.requests[0]["model"] == "flag-model"


def test_a_failure_falls_back_with_one_notice_on_stderr(run_coach, server):
    server.default = error(500, "boom", retry_after=QUICK)
    result = run_coach("critique", "--format", "json", "--max-retries", "1", STRONG, env=env_for(server))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["engine"] == "offline" and "HTTP 500" in payload["fallback_reason"]
    where, *lines = result.stderr.splitlines()
    assert where.startswith("coach: note: sending answers to 127.0.0.1:")
    assert len(lines) == 1 and "used the offline engine" in lines[0] and "Traceback" not in result.stderr
    assert server.count == 2


def test_the_text_report_says_it_fell_back(run_coach, server):
    server.default = error(503, "down", retry_after=QUICK)
    result = run_coach("critique", "--max-retries", "0", STRONG, env=env_for(server))
    assert "fell back to offline" in result.stdout and "HTTP 503" in result.stdout


def test_no_fallback_exits_1_with_one_line(run_coach, server):
    server.default = error(500, "boom", retry_after=QUICK)
    # --quiet hides where answers go, never an error.
    result = run_coach("critique", "--no-fallback", "--quiet", "--max-retries", "0", STRONG, env=env_for(server))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "HTTP 500" in result.stderr


def test_timeout_flag_bounds_a_hanging_server(run_coach, server):
    from openai_server import hang

    server.default = hang()
    result = run_coach("critique", "--format", "json", "--timeout", "0.2", "--max-retries", "0", STRONG, env=env_for(server))
    assert result.returncode == 0
    assert "timed out" in json.loads(result.stdout)["fallback_reason"]


def test_dry_run_prints_the_messages_and_sends_nothing(run_coach, server):
    result = run_coach("critique", "--dry-run", STRONG, env=env_for(server))
    assert result.returncode == 0, result.stderr
    request = json.loads(result.stdout)
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert "our warehouse-scanning release was three weeks behind" in request["messages"][1]["content"]
    assert server.count == 0


def test_dry_run_works_without_any_endpoint(run_coach):
    result = run_coach("critique", "--dry-run", STRONG)
    assert result.returncode == 0 and json.loads(result.stdout)["messages"]


def test_redact_removes_an_email_and_a_phone_number_from_what_would_be_sent(run_coach, tmp_path, server):
    answer = tmp_path / "private.txt"
    answer.write_text(
        "At my last job I handled a complaint from jo.smith@corp.example (phone +44 7700 900123). "
        "I refunded the order and rewrote the returns page; complaints fell by 30%.",
        encoding="utf-8",
    )
    plain = run_coach("critique", "--dry-run", str(answer))
    assert "jo.smith@corp.example" in plain.stdout  # without --redact it would be sent
    redacted = run_coach("critique", "--dry-run", "--redact", str(answer))
    assert "jo.smith@corp.example" not in redacted.stdout and "7700" not in redacted.stdout
    assert "30%" in redacted.stdout
    server.script(reply(strong_review()))
    run_coach("critique", "--redact", "--no-cache", str(answer), env=env_for(server))
    sent = json.dumps(server.requests)
    assert "jo.smith@corp.example" not in sent and "7700 900123" not in sent and "[EMAIL_1]" in sent


def test_custom_prompts_dir_is_used(run_coach, tmp_path, server):
    custom = tmp_path / "my-prompts"
    shutil.copytree(REPO / "prompts", custom)
    (custom / "system.j2").write_text("HOUSE RULES: grade kindly but honestly.", encoding="utf-8")
    result = run_coach("critique", "--dry-run", "--prompts", str(custom), STRONG)
    assert json.loads(result.stdout)["messages"][0]["content"] == "HOUSE RULES: grade kindly but honestly."


def test_a_prompts_dir_without_templates_is_a_one_line_usage_error(run_coach, tmp_path, server):
    result = run_coach("critique", "--prompts", str(tmp_path), STRONG, env=env_for(server))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "missing prompt file" in result.stderr
    assert server.count == 0


def test_the_offline_path_never_imports_the_sdk_or_jinja(tmp_path):
    import os
    import subprocess

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), "COACH_CACHE_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coach", "critique", STRONG],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "coach.engine" in imported  # the probe does see our own imports
    heavy = sorted(n for n in imported if n.split(".")[0] in ("openai", "jinja2", "httpx2") or n.startswith("coach.llm"))
    assert heavy == []


def test_a_template_that_does_not_render_is_a_one_line_usage_error(run_coach, tmp_path, server):
    custom = tmp_path / "broken"
    shutil.copytree(REPO / "prompts", custom)
    (custom / "user.j2").write_text("{{ answer }} {{ candidate_name }}", encoding="utf-8")
    for extra in (["--dry-run"], []):
        result = run_coach("critique", *extra, "--prompts", str(custom), STRONG, env=env_for(server))
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1 and "candidate_name" in result.stderr
    assert server.count == 0


# --- issue 11 §4: say where answers go --------------------------------------------------------


def _batch(tmp_path, n: int = 5):
    path = tmp_path / "answers.jsonl"
    rows = [{"id": f"a{i}", "answer": f"At my last job I rebuilt report {i} and cut its run time from {i + 20} to {i + 5} minutes."}
            for i in range(n)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return path


def _sending_notes(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("coach: note: sending answers to")]


@pytest.fixture
def grounded():
    from tests.grounded_reply import grounded_review

    with OpenAIServer(default=lambda body: reply(grounded_review(body))) as running:
        yield running


def test_the_first_request_says_once_where_answers_go_without_the_key_or_credentials(tmp_path, coach, monkeypatch, grounded):
    host = grounded.url.split("//")[1].split("/")[0]
    # Credentials in the URL (user:password@, a token in the path) and the key never show.
    monkeypatch.setenv("OPENAI_BASE_URL", grounded.url.replace("//", "//bob:hunter2@") + "/tok-8f3a")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-do-not-print")
    ran = coach("critique", "--format", "jsonl", "-j", "4", "--model", "m-1", str(_batch(tmp_path)))
    assert ran.code == 0, ran.err
    assert grounded.count == 5 and all(path.endswith("/tok-8f3a/chat/completions") for path in grounded.paths)
    assert _sending_notes(ran.err) == [f"coach: note: sending answers to {host} (model m-1); --offline keeps them on this machine"]
    for secret in ("sk-test-do-not-print", "hunter2", "bob", "tok-8f3a"):
        assert secret not in ran.err


def test_quiet_hides_where_answers_go_but_never_a_fallback(tmp_path, coach, monkeypatch):
    with OpenAIServer(default=error(500, "boom")) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        ran = coach("critique", "--quiet", "--format", "json", "--max-retries", "0", STRONG)
    assert ran.code == 0 and _sending_notes(ran.err) == []
    assert len(ran.err.splitlines()) == 1 and "LLM engine failed (server error (HTTP 500)" in ran.err


def test_quiet_hides_why_the_offline_engine_was_chosen(coach):
    loud = coach("critique", "--format", "json", STRONG)
    assert "OPENAI_API_KEY and OPENAI_BASE_URL are not set" in loud.err
    quiet = coach("critique", "--quiet", "--format", "json", STRONG)
    assert quiet.code == 0 and quiet.err == "" and json.loads(quiet.out)["engine"] == "offline"


def test_a_rerun_served_from_the_cache_sends_nothing_and_says_nothing_about_sending(tmp_path, coach, monkeypatch, grounded):
    monkeypatch.setenv("OPENAI_BASE_URL", grounded.url)
    path = _batch(tmp_path, 3)
    assert len(_sending_notes(coach("critique", "--format", "jsonl", str(path)).err)) == 1
    again = coach("critique", "--format", "jsonl", str(path))
    assert grounded.count == 3 and _sending_notes(again.err) == []


def test_the_destination_shown_is_the_host_and_port_only():
    from coach.llm.urls import post_url, shown_host, shown_url

    assert shown_host("https://api.openai.com/v1") == "api.openai.com"
    assert shown_host("http://user:secret@LOCALHOST:11434/v1/key-in-path?api-key=k") == "localhost:11434"
    assert shown_host("http://[::1]:8000/v1") == "[::1]:8000"
    assert shown_url("https://user:secret@proxy.example/v1?api-key=k") == "https://proxy.example/v1"
    assert post_url("http://127.0.0.1:8000/v1/") == "http://127.0.0.1:8000/v1/chat/completions"


# --- issue 11 §5: --dry-run -------------------------------------------------------------------


def test_dry_run_writes_to_the_output_file(tmp_path, coach):
    target = tmp_path / "requests.json"
    ran = coach("critique", "--dry-run", "-o", target, str(_batch(tmp_path, 2)))
    assert ran.code == 0 and ran.out == ""
    assert ran.err == f"coach: wrote {target} (2 requests)\n"
    assert [request["source"].rsplit("#")[1] for request in json.loads(target.read_text(encoding="utf-8"))] == ["a0", "a1"]


@pytest.mark.parametrize("how", [["--format", "jsonl"], ["-o", "requests.jsonl"]])
def test_dry_run_jsonl_is_one_request_a_line(tmp_path, coach, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    ran = coach("critique", "--dry-run", *how, str(_batch(tmp_path, 3)))
    assert ran.code == 0, ran.err
    text = ran.out if "--format" in how else (tmp_path / "requests.jsonl").read_text(encoding="utf-8")
    requests = [json.loads(line) for line in text.splitlines()]
    assert [r["source"].rsplit("#")[1] for r in requests] == ["a0", "a1", "a2"]
    assert all(r["messages"][1]["role"] == "user" for r in requests)


@pytest.mark.parametrize("how", [["--format", "text"], ["--format", "csv"], ["--format", "html"], ["-o", "report.md"]])
def test_dry_run_in_any_other_format_is_a_one_line_usage_error(tmp_path, coach, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    ran = coach("critique", "--dry-run", *how, STRONG)
    assert ran.code == 2 and ran.out == ""
    assert len(ran.err.splitlines()) == 1 and ran.err.startswith("coach: error: --dry-run writes requests as json or jsonl")
    assert not (tmp_path / "report.md").exists()


def test_dry_run_with_offline_is_a_usage_error(coach):
    ran = coach("critique", "--dry-run", "--offline", STRONG)
    assert ran.code == 2 and ran.out == ""
    assert ran.err == "coach: error: --dry-run shows what the LLM engine would send; --offline sends nothing\n"


def test_each_dry_run_request_names_its_url_and_model_but_never_the_key(coach, monkeypatch):
    assert json.loads(coach("critique", "--dry-run", STRONG).out)["url"] == "https://api.openai.com/v1/chat/completions"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-do-not-print")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://bob:hunter2@127.0.0.1:8000/v1")
    ran = coach("critique", "--dry-run", "--model", "m-2", STRONG)
    request = json.loads(ran.out)
    assert (request["url"], request["model"]) == ("http://127.0.0.1:8000/v1/chat/completions", "m-2")
    assert "sk-test-do-not-print" not in ran.out and "hunter2" not in ran.out


def test_dry_run_redact_hides_profiles_ids_addresses_and_handles(tmp_path, coach):
    answer = tmp_path / "private.txt"
    answer.write_text(
        "At Brightwell Logistics (linkedin.com/in/sam-okafor-77, @sam.okafor) I fixed payroll: my SSN 512-38-4907 "
        "was on a test record, as was 42 Wallaby Way. In 2019 I cut errors by 40% in 3 to 5 days with v2.4.1, saving $12,000.",
        encoding="utf-8",
    )
    sent = json.loads(coach("critique", "--dry-run", "--redact", str(answer)).out)["messages"][1]["content"]
    for secret in ("linkedin.com", "sam-okafor", "@sam", "512-38-4907", "Wallaby"):
        assert secret not in sent
    for label in ("[URL_1]", "[HANDLE_1]", "[ID_1]", "[ADDRESS_1]"):
        assert label in sent
    for kept in ("Brightwell Logistics", "2019", "40%", "3 to 5 days", "v2.4.1", "$12,000"):
        assert kept in sent
