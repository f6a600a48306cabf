"""The LLM engine through the real command line: `python -m coach` against a loopback server."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from conftest import REPO, run_coach
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


def test_without_an_endpoint_the_offline_engine_runs_and_sends_nothing():
    result = run_coach("critique", "--format", "json", STRONG)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == "offline"


def test_with_a_base_url_the_llm_engine_grades(server):
    server.script(reply(strong_review()))
    result = run_coach("critique", "--format", "json", "--no-cache", STRONG, env=env_for(server, COACH_MODEL="env-model"))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["engine"] == "llm" and payload["model"] == "env-model" and payload["fallback_reason"] is None
    assert payload["usage"]["requests"] == 1
    assert server.requests[0]["model"] == "env-model"
    assert result.stderr == ""


def test_model_flag_beats_the_environment(server):
    server.script(reply(strong_review()))
    result = run_coach("critique", "--format", "json", "--model", "flag-model", STRONG, env=env_for(server, COACH_MODEL="env-model"))
    assert json.loads(result.stdout)["model"] == "flag-model"
    assert server.requests[0]["model"] == "flag-model"


def test_a_failure_falls_back_with_one_notice_on_stderr(server):
    server.default = error(500, "boom", retry_after=QUICK)
    result = run_coach("critique", "--format", "json", "--max-retries", "1", STRONG, env=env_for(server))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["engine"] == "offline" and "HTTP 500" in payload["fallback_reason"]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "used the offline engine" in lines[0] and "Traceback" not in result.stderr
    assert server.count == 2


def test_the_text_report_says_it_fell_back(server):
    server.default = error(503, "down", retry_after=QUICK)
    result = run_coach("critique", "--max-retries", "0", STRONG, env=env_for(server))
    assert "fell back to offline" in result.stdout and "HTTP 503" in result.stdout


def test_no_fallback_exits_1_with_one_line(server):
    server.default = error(500, "boom", retry_after=QUICK)
    result = run_coach("critique", "--no-fallback", "--max-retries", "0", STRONG, env=env_for(server))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "HTTP 500" in result.stderr


def test_timeout_flag_bounds_a_hanging_server(server):
    from openai_server import hang

    server.default = hang()
    result = run_coach("critique", "--format", "json", "--timeout", "0.5", "--max-retries", "0", STRONG, env=env_for(server))
    assert result.returncode == 0
    assert "timed out" in json.loads(result.stdout)["fallback_reason"]


def test_dry_run_prints_the_messages_and_sends_nothing(server):
    result = run_coach("critique", "--dry-run", STRONG, env=env_for(server))
    assert result.returncode == 0, result.stderr
    request = json.loads(result.stdout)
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert "our warehouse-scanning release was three weeks behind" in request["messages"][1]["content"]
    assert server.count == 0


def test_dry_run_works_without_any_endpoint():
    result = run_coach("critique", "--dry-run", STRONG)
    assert result.returncode == 0 and json.loads(result.stdout)["messages"]


def test_redact_removes_an_email_and_a_phone_number_from_what_would_be_sent(tmp_path, server):
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


def test_custom_prompts_dir_is_used(tmp_path, server):
    custom = tmp_path / "my-prompts"
    shutil.copytree(REPO / "prompts", custom)
    (custom / "system.j2").write_text("HOUSE RULES: grade kindly but honestly.", encoding="utf-8")
    result = run_coach("critique", "--dry-run", "--prompts", str(custom), STRONG)
    assert json.loads(result.stdout)["messages"][0]["content"] == "HOUSE RULES: grade kindly but honestly."


def test_a_prompts_dir_without_templates_is_a_one_line_usage_error(tmp_path, server):
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


def test_a_template_that_does_not_render_is_a_one_line_usage_error(tmp_path, server):
    custom = tmp_path / "broken"
    shutil.copytree(REPO / "prompts", custom)
    (custom / "user.j2").write_text("{{ answer }} {{ candidate_name }}", encoding="utf-8")
    for extra in (["--dry-run"], []):
        result = run_coach("critique", *extra, "--prompts", str(custom), STRONG, env=env_for(server))
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1 and "candidate_name" in result.stderr
    assert server.count == 0
