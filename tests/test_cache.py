"""The critique cache: keys, hits and misses, what is never stored, and `coach cache`."""

from __future__ import annotations

import json
from pathlib import Path

from coach import engine
from coach.batch.cache import FILE_NAME, Cache, cache_dir, key
from coach.models import Answer
from coach.rules import offline

ANSWER = Answer(text="I cut the build time from 40 to 12 minutes by caching dependencies.", question="Q?", role="dev", source="a.txt")
FINGERPRINT = {"engine": "llm", "model": "m", "base_url": "http://127.0.0.1:1/v1"}


def test_key_depends_on_everything_that_decides_a_critique_but_not_the_source():
    base = key(FINGERPRINT, ANSWER)
    assert key(FINGERPRINT, ANSWER.model_copy(update={"source": "elsewhere.txt"})) == base
    assert key(dict(FINGERPRINT), ANSWER) == base
    changed = [
        key(FINGERPRINT | {"model": "other"}, ANSWER),
        key(FINGERPRINT | {"prompts_sha256": "abc"}, ANSWER),
        key(FINGERPRINT, ANSWER.model_copy(update={"question": "Other?"})),
        key(FINGERPRINT, ANSWER.model_copy(update={"role": "pm"})),
        key(FINGERPRINT, ANSWER.model_copy(update={"text": ANSWER.text + "!"})),
    ]
    assert base not in changed and len(set(changed)) == len(changed)


def test_engine_fingerprint_has_no_api_key_and_ignores_it():
    options = engine.GradeOptions()
    one = engine.fingerprint(options, {"OPENAI_API_KEY": "sk-one", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    two = engine.fingerprint(options, {"OPENAI_API_KEY": "sk-two", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert one == two and "sk-one" not in json.dumps(one)


def test_hit_returns_the_stored_critique_under_the_new_source_marked_cached(tmp_path):
    critique = offline.critique(ANSWER).model_copy(update={"engine": "llm"})
    with Cache(tmp_path) as cache:
        assert cache.get(FINGERPRINT, ANSWER) is None
        assert cache.put(FINGERPRINT, ANSWER, critique)
        moved = ANSWER.model_copy(update={"source": "b.txt"})
        hit = cache.get(FINGERPRINT, moved)
        assert cache.get(FINGERPRINT | {"model": "other"}, ANSWER) is None
    assert hit.cached and hit.source == "b.txt"
    assert hit.model_dump(exclude={"cached", "source"}) == critique.model_dump(exclude={"cached", "source"})


def test_fallbacks_are_never_stored(tmp_path):
    fallback = offline.critique(ANSWER).model_copy(update={"fallback_reason": "HTTP 503"})
    with Cache(tmp_path) as cache:
        assert not cache.put(FINGERPRINT, ANSWER, fallback)
        assert cache.get(FINGERPRINT, ANSWER) is None and cache.info().entries == 0


def test_stored_results_survive_the_process(tmp_path):
    with Cache(tmp_path) as cache:
        cache.put(FINGERPRINT, ANSWER, offline.critique(ANSWER))
    with Cache(tmp_path) as cache:
        assert cache.get(FINGERPRINT, ANSWER) is not None


def test_cache_folder_is_the_platform_user_cache_unless_overridden(monkeypatch, tmp_path):
    assert cache_dir() == tmp_path / "cache"  # conftest sets COACH_CACHE_DIR
    monkeypatch.delenv("COACH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "coach"


def test_cache_info_and_clear_commands(run_coach, tmp_path):
    env = {"COACH_CACHE_DIR": str(tmp_path)}
    empty = run_coach("cache", "info", env=env)
    assert empty.returncode == 0 and "empty" in empty.stdout
    with Cache(tmp_path) as cache:
        for i in range(3):
            cache.put(FINGERPRINT, ANSWER.model_copy(update={"text": f"{ANSWER.text} {i}"}), offline.critique(ANSWER))
    info = run_coach("cache", "info", env=env)
    assert info.returncode == 0 and f"{tmp_path / FILE_NAME}: 3 critiques" in info.stdout
    cleared = run_coach("cache", "clear", env=env)
    assert cleared.returncode == 0 and "removed 3 critiques" in cleared.stdout
    assert "0 critiques" in run_coach("cache", "info", env=env).stdout


def test_a_corrupt_cache_file_is_one_line_error_not_a_traceback(run_coach, tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    result = run_coach("cache", "info", env={"COACH_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("coach: error: ") and len(result.stderr.splitlines()) == 1


def test_editing_an_offline_rule_changes_the_cache_fingerprint(tmp_path, monkeypatch):
    """A cached critique must expire when a rule changes, not only when the version does."""
    import shutil

    copy = tmp_path / "coach"
    shutil.copytree(Path(offline.__file__).parent.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(offline, "__file__", str(copy / "rules" / "offline.py"))
    before = offline.rules_digest.__wrapped__()
    thresholds = copy / "rules" / "thresholds.py"
    thresholds.write_text(thresholds.read_text().replace("MIN_ANSWER_WORDS = 25", "MIN_ANSWER_WORDS = 26"))
    assert offline.rules_digest.__wrapped__() != before
