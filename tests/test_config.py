"""The configuration file (.coach.toml, [tool.coach]), --select/--ignore, and `coach config`."""

from __future__ import annotations

import json

import pytest

from coach.config import ConfigFileError, find, load, resolve

# Blames a former manager outright: negativity caps its score (rubric CAP_NEGATIVE).
BLAMING = (
    "Last year our release slipped by two weeks. My manager was useless and never listened to anyone, "
    "so the whole mess was his fault. I rewrote the deployment scripts myself and set up nightly builds. "
    "We shipped the release a week later and the crash rate fell by 30 percent."
)
# Hedges ("I guess", "sort of", "maybe"): the hedging check's findings.
HEDGED = (
    "I guess I sort of led the migration of our billing system last spring, maybe. I planned the cut-over, "
    "I wrote the rollback scripts and I ran two rehearsals with the team. We moved 40,000 accounts in one night "
    "with no outage, and support tickets fell by a third."
)


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def critique_json(coach, *args, stdin: str):
    ran = coach("critique", "-", "--format", "json", "--offline", *args, stdin=stdin)
    assert ran.code in (0, 1), ran.err
    return json.loads(ran.out)


# --- finding the file ---------------------------------------------------------------------


def test_the_nearest_folder_upward_with_a_configuration_wins(tmp_path):
    write(tmp_path, ".coach.toml", 'role = "nurse"\n')
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    assert find(inner) == tmp_path / ".coach.toml"
    write(tmp_path / "a", "pyproject.toml", '[tool.coach]\nrole = "welder"\n')
    assert find(inner) == tmp_path / "a" / "pyproject.toml"
    assert load(find(inner))["role"] == "welder"


def test_a_pyproject_without_tool_coach_is_passed_over(tmp_path):
    write(tmp_path, ".coach.toml", 'role = "nurse"\n')
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "pyproject.toml", "[tool.black]\nline-length = 100\n")
    assert find(tmp_path / "sub") == tmp_path / ".coach.toml"


def test_the_dotfile_beats_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path, ".coach.toml", 'role = "nurse"\n')
    write(tmp_path, "pyproject.toml", '[tool.coach]\nrole = "welder"\n')
    assert load(find(tmp_path))["role"] == "nurse"


def test_no_file_means_the_defaults(tmp_path):
    config = resolve(None, False, cwd=tmp_path)
    assert config.path is None and config["engine"] == "auto" and config["ignore"] == []
    assert {s.origin for s in config.settings.values()} == {"default"}


# --- refusing what it cannot use, in one line ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("fail-undr = 60\n", "unknown key 'fail-undr'"),
        ("fail-under = 160\n", "fail-under must be a whole number from 0 to 100"),
        ('fail-under = "60"\n', "fail-under must be a whole number"),
        ('engine = "cloud"\n', "engine must be one of auto, offline, llm"),
        ('ignore = ["spelling"]\n', "no such check: spelling"),
        ('ignore = "hedging"\n', "ignore must be a list of check ids"),
        ('[severity]\nrambling = "fatal"\n', "a severity is one of problem, warning, info"),
        ("[limits]\nwords-per-second = 3\n", "unknown limit 'words-per-second'"),
        ("[limits]\nwords-per-minute = 5\n", "limits.words-per-minute must be a whole number from 60 to 300"),
        ('select = ["star"]\nignore = ["star"]\n', "star is both selected and ignored"),
        ("role = \n", "not valid TOML"),
    ],
)
def test_a_bad_configuration_is_a_one_line_usage_error_naming_the_file(coach, tmp_path, monkeypatch, text, says):
    write(tmp_path, ".coach.toml", text)
    monkeypatch.chdir(tmp_path)
    ran = coach("critique", "-", "--offline", stdin=HEDGED)
    assert ran.code == 2 and ran.out == ""
    assert ran.err.count("\n") == 1 and says in ran.err and ".coach.toml" in ran.err


def test_config_and_no_config_flags(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, ".coach.toml", "fail-under = 100\n")
    assert coach("critique", "-", "--offline", stdin=HEDGED).code == 1  # nothing scores 100
    assert coach("critique", "-", "--offline", "--no-config", stdin=HEDGED).code == 0
    other = write(tmp_path, "strict.toml", "fail-under = 100\n")
    write(tmp_path, ".coach.toml", "fail-under = 0\n")
    assert coach("critique", "-", "--offline", "--config", str(other), stdin=HEDGED).code == 1
    missing = coach("critique", "-", "--config", str(tmp_path / "nope.toml"), stdin=HEDGED)
    assert missing.code == 2 and "no such configuration file" in missing.err
    both = coach("critique", "-", "--config", str(other), "--no-config", stdin=HEDGED)
    assert both.code == 2 and "contradict" in both.err


# --- what each setting does -----------------------------------------------------------------


def test_ignoring_a_check_removes_its_findings_its_rating_and_its_cap(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    graded = critique_json(coach, stdin=BLAMING)
    assert graded["checks"]["negativity"]["flagged"] and graded["score"] <= 40
    assert any(f["check"] == "negativity" for f in graded["findings"]) and "tone" in graded["ratings"]
    ignored = critique_json(coach, "--ignore", "negativity", stdin=BLAMING)
    assert not any(f["check"] == "negativity" for f in ignored["findings"])
    assert "tone" not in ignored["ratings"] and ignored["score"] > 40
    write(tmp_path, ".coach.toml", 'ignore = ["negativity"]\n')
    assert critique_json(coach, stdin=BLAMING)["score"] == ignored["score"]


def test_select_runs_only_the_named_checks(coach):
    graded = critique_json(coach, "--select", "star,rambling", stdin=HEDGED)
    assert {f["check"] for f in graded["findings"]} <= {"star", "rambling"}
    assert set(graded["ratings"]) == {"situation", "task", "action", "result", "concision"}
    everything = critique_json(coach, stdin=HEDGED)
    assert any(f["check"] == "hedging" for f in everything["findings"])


def test_an_unknown_check_on_the_command_line_is_refused(coach):
    ran = coach("critique", "-", "--ignore", "spelling", stdin=HEDGED)
    assert ran.code == 2 and ran.err.count("\n") == 1 and "--ignore: no such check: spelling" in ran.err


def test_a_configured_severity_relevels_that_checks_findings(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = [f for f in critique_json(coach, stdin=HEDGED)["findings"] if f["check"] == "hedging"]
    assert before and {f["severity"] for f in before} != {"problem"}
    write(tmp_path, ".coach.toml", '[severity]\nhedging = "problem"\n')
    after = [f for f in critique_json(coach, stdin=HEDGED)["findings"] if f["check"] == "hedging"]
    assert len(after) == len(before) and {f["severity"] for f in after} == {"problem"}
    github = coach("critique", "-", "--offline", "--format", "github", stdin=HEDGED)
    assert any(line.startswith("::error") and "hedging" in line for line in github.out.splitlines())


def test_the_configured_role_fills_in_only_where_an_answer_names_none(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, ".coach.toml", 'role = "nurse"\n')
    write(tmp_path, "named.md", f"---\nrole: welder\n---\n{HEDGED}\n")
    write(tmp_path, "unnamed.md", HEDGED)
    ran = coach("critique", str(tmp_path / "named.md"), str(tmp_path / "unnamed.md"), "--offline", "--format", "jsonl")
    roles = {json.loads(line)["source"].rsplit("/", 1)[-1]: json.loads(line)["role"] for line in ran.out.splitlines()}
    assert roles == {"named.md": "welder", "unnamed.md": "nurse"}
    flagged = coach("critique", str(tmp_path / "unnamed.md"), "--offline", "--role", "chef", "--format", "json")
    assert json.loads(flagged.out)["role"] == "chef"


def test_engine_offline_in_the_file_keeps_answers_here_and_llm_requires_an_endpoint(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    write(tmp_path, ".coach.toml", 'engine = "offline"\n')
    ran = coach("critique", "-", "--format", "json", stdin=HEDGED)
    assert ran.code == 0 and json.loads(ran.out)["engine"] == "offline" and "sending answers" not in ran.err
    monkeypatch.delenv("OPENAI_BASE_URL")
    write(tmp_path, ".coach.toml", 'engine = "llm"\n')
    refused = coach("critique", "-", stdin=HEDGED)
    assert refused.code == 2 and refused.err.count("\n") == 1 and "engine = llm" in refused.err


def test_the_command_line_beats_the_environment_beats_the_file(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, ".coach.toml", 'model = "from-file"\nfail-under = 10\n')
    shown = json.loads(coach("config", "--format", "json").out)
    assert shown["settings"]["model"] == {"value": "from-file", "from": str(tmp_path / ".coach.toml")}
    assert shown["settings"]["engine"] == {"value": "auto", "from": "default"}
    from coach.cli.config import merged

    class Context:  # what merged() asks of click's context: where a parameter's value came from
        def __init__(self, sources):
            self.sources = sources
            self.command = type("Command", (), {"params": [type("P", (), {"name": "model", "envvar": "COACH_MODEL"})()]})()

        def get_parameter_source(self, name):
            return self.sources[name]

    import click

    env = merged({"model": "from-env"}, Context({"model": click.core.ParameterSource.ENVIRONMENT}))
    assert env.settings["model"].value == "from-env" and env.settings["model"].origin == "env COACH_MODEL"
    flag = merged({"model": "from-flag", "fail_under": 70}, Context({"model": click.core.ParameterSource.COMMANDLINE,
                                                                      "fail_under": click.core.ParameterSource.COMMANDLINE}))
    assert flag.settings["model"].origin == "--model" and flag["fail-under"] == 70


def test_coach_config_names_the_file_and_each_origin(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "none found" in coach("config").out
    write(tmp_path, "pyproject.toml", '[tool.coach]\nignore = ["hedging"]\n[tool.coach.severity]\nrambling = "info"\n')
    shown = coach("config")
    assert shown.code == 0 and str(tmp_path / "pyproject.toml") in shown.out.splitlines()[0]
    rows = {line.split()[0]: line for line in shown.out.splitlines()[1:]}
    assert "hedging" in rows["ignore"] and "pyproject.toml" in rows["ignore"]
    assert "rambling=info" in rows["severity"] and rows["engine"].rstrip().endswith("default")


def test_coach_checks_shows_what_is_on_and_at_what_severity(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, ".coach.toml", 'ignore = ["hedging"]\n[severity]\nrambling = "info"\n')
    rows = {line.split()[0]: line.split()[1:3] for line in coach("checks").out.splitlines()}
    assert rows["hedging"][0] == "off" and rows["rambling"] == ["on", "info"] and rows["star"] == ["on", "as"]
    assert coach("checks", "--no-config").out.splitlines()[4].split()[1] == "on"


def test_check_settings_change_the_cache_key_of_an_llm_critique():
    from coach.engine import GradeOptions, fingerprint
    from coach.rules.check_settings import CheckSettings

    environ = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    plain = fingerprint(GradeOptions(), environ)
    assert plain == fingerprint(GradeOptions(checks=CheckSettings()), environ)
    assert plain != fingerprint(GradeOptions(checks=CheckSettings.chosen(None, ["hedging"], {})), environ)


def test_a_file_that_cannot_be_read_is_a_config_error(tmp_path):
    path = write(tmp_path, ".coach.toml", "")
    path.write_bytes(b"role = \"\xff\"\n")
    with pytest.raises(ConfigFileError, match="not valid TOML|cannot read"):
        load(path)


def test_limits_set_the_pace_the_length_limit_and_the_shortest_answer(coach, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    default = critique_json(coach, stdin=HEDGED)
    assert not any(f["check"] == "rambling" and "spoken" in f["message"] for f in default["findings"])
    write(tmp_path, ".coach.toml", "[limits]\nwords-per-minute = 100\nmax-speaking-seconds = 20\nmin-answer-words = 60\n")
    tuned = critique_json(coach, stdin=HEDGED)
    words = tuned["metrics"]["words"]
    assert 33 < words < 60  # over 20 s at 100 words a minute, under the 60-word floor
    assert tuned["metrics"]["speaking_seconds"] == round(words * 60 / 100, 1) != default["metrics"]["speaking_seconds"]
    assert any(f["check"] == "rambling" and "aim for under 20 s" in f["message"] for f in tuned["findings"])
    assert any(f["check"] == "relevance" and f"Only {words} words" in f["message"] for f in tuned["findings"])


def test_limits_change_the_cache_key_and_come_back_from_it():
    from coach.engine import GradeOptions, fingerprint, settings_of
    from coach.rules.check_settings import CheckSettings
    from coach.rules.thresholds import Limits

    environ = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    options = GradeOptions(checks=CheckSettings.chosen(None, ["hedging"], {"rambling": "info"}), limits=Limits(words_per_minute=120))
    key = fingerprint(options, environ)
    assert key != fingerprint(GradeOptions(), environ)
    assert settings_of(key) == (options.checks, options.limits)
    assert settings_of(fingerprint(GradeOptions(), environ)) == (CheckSettings(), Limits())


def test_a_batch_export_uses_the_configuration_so_its_keys_are_the_ones_critique_looks_up(run_coach, tmp_path, monkeypatch):
    from coach.batch.cache import key as cache_key
    from coach.cli.config import check_settings
    from coach.config import load
    from coach.engine import GradeOptions, fingerprint
    from coach.models import Answer

    answer_file = write(tmp_path, "a.md", HEDGED)
    write(tmp_path, ".coach.toml", 'ignore = ["hedging"]\n')
    out = tmp_path / "requests.jsonl"
    ran = run_coach("batch", "export", str(answer_file), "-o", str(out), "--response-format", "json_schema", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    config = load(tmp_path / ".coach.toml")
    environ = {"OPENAI_BASE_URL": "https://api.openai.com/v1"}
    configured = fingerprint(GradeOptions(checks=check_settings(config)), environ)
    answer = Answer(text=HEDGED, source=str(answer_file))
    assert line["custom_id"] == cache_key(configured, answer)
    assert line["custom_id"] != cache_key(fingerprint(GradeOptions(), environ), answer)
