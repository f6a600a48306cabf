"""The checks' vocabulary as data (coach/data/checks/<id>.yaml): documented, owned by one check,
covered by the rules digest; and every finding a check writes names a registered check."""

from __future__ import annotations

import json
import shutil

import pytest

from coach.checks import registry
from coach.checks.base import entries, vocabulary
from coach.models import Answer
from coach.rules import offline
from coach.rules.text import Document, compile_phrases
from tests.conftest import EXAMPLES, REPO

DATA = REPO / "coach" / "data" / "checks"
CORPUS = REPO / "training" / "answers"
FILES = sorted(DATA.glob("*.yaml"))


def _lists(check_id: str) -> list[str]:
    return [name for name, value in vocabulary(check_id).items() if name != "limits" and isinstance(value, list)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_data_file_belongs_to_a_registered_check(path):
    assert path.stem in registry()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_group_says_why_it_is_there_and_gives_an_example_it_matches(path):
    for name in _lists(path.stem):
        for group in vocabulary(path.stem)[name]:
            assert set(group) == {"why", "example", "entries"}, (name, group)
            assert str(group["why"]).strip() and group["entries"], (name, group)
            # YAML reads a bare no/on/yes as a boolean: every entry must stay a string.
            assert all(isinstance(entry, str) for entry in group["entries"]), (name, group["entries"])
            assert compile_phrases(group["entries"]).search(group["example"]), (name, group["example"])


# The phrase lists a sentence is counted by; a phrase of one must never be counted by another.
COUNTED_BY = {
    ("rambling", "fillers"): "filler",
    ("hedging", "hedges"): "hedge",
    ("overconfidence", "claims"): "overconfident claim",
    ("specificity", "vague"): "vague claim",
}


def test_one_phrase_is_never_counted_twice():
    lists = {key: entries(*key) for key in COUNTED_BY}
    twice = [
        (phrase, COUNTED_BY[mine], COUNTED_BY[other])
        for mine, phrases in lists.items()
        for other, others in lists.items()
        if other != mine
        for phrase in phrases
        if compile_phrases(others).search(phrase)
    ]
    assert twice == []


def test_kind_of_is_a_hedge_and_not_a_filler():
    document = Document("I kind of led the team, and it sort of worked.")
    assert registry()["rambling"].run(document).metrics.filler_words == 0
    assert [f.span.text for f in registry()["hedging"].run(document).findings] == ["kind of", "sort of"]
    # ... and a kind of thing is neither.
    typed = Document("We needed a different kind of database.")
    assert not registry()["hedging"].run(typed).findings and not registry()["rambling"].run(typed).metrics.filler_words


def _corpus_answers() -> list[Answer]:
    answers = []
    for path in sorted(CORPUS.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                answers.append(Answer(text=" ".join(s["text"] for s in row["sentences"]), question=row.get("question")))
    return answers


def test_every_finding_names_a_registered_check():
    from coach.inputs.readers import read_answer

    # Every other corpus answer: a check writes each finding with its module's ID, so half of
    # the 1,300 answers meets every check the whole corpus does, at half the grading time.
    answers = _corpus_answers()[::2] + [read_answer(str(path)) for path in sorted(EXAMPLES.iterdir())]
    assert len(answers) > 500
    registered = set(registry())
    found = {f.check for a in answers if a.kind == "answer" for f in offline.critique(a).findings}
    assert found - registered == set()
    assert {"question-type", "relevance", "hedging", "off-topic"} <= found  # the split ids all occur


def test_the_rules_digest_covers_every_data_file():
    package = REPO / "coach"
    digested = {path.resolve() for path in offline.rule_files(package)}
    data = {p.resolve() for p in (package / "data").rglob("*") if p.is_file() and p.suffix in (".json", ".tsv", ".yaml")}
    assert data and data <= digested
    assert {package / "data" / "kinds.yaml", package / "data" / "questions.yaml", DATA / "rambling.yaml"} <= digested


def test_editing_a_word_list_expires_cached_critiques(tmp_path):
    copy = tmp_path / "coach"
    shutil.copytree(REPO / "coach", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = offline.digest_of(offline.rule_files(copy))
    fillers = copy / "data" / "checks" / "rambling.yaml"
    fillers.write_text(fillers.read_text(encoding="utf-8").replace("[or whatever]", "[or whatever, or so]"), encoding="utf-8")
    assert offline.digest_of(offline.rule_files(copy)) != before
    assert offline.digest_of(offline.rule_files(REPO / "coach")) == before


def test_a_check_left_out_of_the_registry_leaves_its_criteria_out_of_the_score(monkeypatch):
    """offline.critique names no check: without one, the rest still critique the answer."""
    import coach.checks as checks

    full = dict(registry())
    monkeypatch.setattr(checks, "registry", lambda: {k: v for k, v in full.items() if k != "star"})
    monkeypatch.setattr(offline, "registry", checks.registry)
    critique = offline.critique(Answer(text=(EXAMPLES / "vague-we.txt").read_text(encoding="utf-8")))
    assert not any(f.check == "star" for f in critique.findings)
    assert "action" not in critique.ratings and "concision" in critique.ratings
