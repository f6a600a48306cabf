"""coach.batch: concurrency keeps input order, loses nothing, and isolates failures."""

from __future__ import annotations

import threading
import time

import pytest

from coach.batch import grade_all
from coach.batch.cache import Cache
from coach.models import Answer, Critique, InputError
from coach.rules import offline

TEXT = "I led the migration of 40 services; we cut hosting costs by 30% in two months."


def _answers(n: int) -> list[Answer]:
    return [Answer(text=f"{TEXT} Story {i}.", source=f"answer-{i:03d}") for i in range(n)]


class SlowGrader:
    """Grades with the offline engine after a delay that makes later answers finish first;
    raises for chosen answers; records how many ran at once."""

    def __init__(self, fail: set[str] = frozenset(), delay: float = 0.02):
        self.fail, self.delay = fail, delay
        self.calls: list[str] = []
        self.running = self.most_at_once = 0
        self.lock = threading.Lock()

    def __call__(self, answer: Answer) -> Critique:
        with self.lock:
            self.calls.append(answer.source)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            number = int(answer.source.split("-")[1])
            time.sleep(self.delay * (3 - number % 4))  # out-of-order completion
            if answer.source in self.fail:
                raise ConnectionError("server closed the connection")
            return offline.critique(answer)
        finally:
            with self.lock:
                self.running -= 1


def test_results_come_out_in_input_order_with_many_jobs():
    grader = SlowGrader()
    results = [g.result for g in grade_all(_answers(40), grader, jobs=8)]
    assert [r.source for r in results] == [f"answer-{i:03d}" for i in range(40)]
    assert all(isinstance(r, Critique) for r in results)
    assert 2 < grader.most_at_once <= 8  # really concurrent, never beyond --jobs


def test_a_failing_answer_becomes_an_error_entry_and_the_rest_are_graded():
    grader = SlowGrader(fail={"answer-003", "answer-010"})
    graded = list(grade_all(_answers(16), grader, jobs=4))
    assert [g.result.source for g in graded] == [f"answer-{i:03d}" for i in range(16)]
    failed = {g.result.source: g.result.error for g in graded if g.failed}
    assert set(failed) == {"answer-003", "answer-010"}
    assert failed["answer-003"] == "answer-003: grading failed (server closed the connection)"
    assert sum(not g.failed for g in graded) == 14


def test_unreadable_inputs_pass_through_in_place():
    items = [*_answers(2), InputError(source="bad.txt", error="bad.txt: binary file, not text"), *_answers(3)[2:]]
    for jobs in (1, 3):
        graded = list(grade_all(items, SlowGrader(delay=0), jobs=jobs))
        assert [g.result.source for g in graded] == ["answer-000", "answer-001", "bad.txt", "answer-002"]
        assert graded[2].failed and graded[2].answer is None


def test_input_is_consumed_lazily_within_a_bounded_window():
    """A long stream is never read far ahead of what has been written out."""
    pulled = 0

    def stream():
        nonlocal pulled
        for answer in _answers(200):
            pulled += 1
            yield answer

    results = grade_all(stream(), SlowGrader(delay=0), jobs=4, window=10)
    next(results)
    assert pulled <= 11
    assert len(list(results)) == 199


def test_cached_answers_are_not_graded_again_and_are_marked(tmp_path):
    fingerprint = {"engine": "llm", "model": "m"}
    answers = _answers(6)
    with Cache(tmp_path) as cache:
        first = SlowGrader(delay=0)
        list(grade_all(answers[:4], first, jobs=2, cache=cache, fingerprint=fingerprint))
        second = SlowGrader(delay=0)
        graded = list(grade_all(answers, second, jobs=2, cache=cache, fingerprint=fingerprint))
    assert sorted(second.calls) == ["answer-004", "answer-005"]
    assert [g.result.cached for g in graded] == [True] * 4 + [False] * 2
    assert [g.result.source for g in graded] == [a.source for a in answers]


def test_errors_and_fallbacks_are_not_cached(tmp_path):
    fingerprint = {"engine": "llm"}
    answers = _answers(4)

    def flaky(answer: Answer) -> Critique:
        if answer.source == "answer-001":
            raise TimeoutError("timed out")
        critique = offline.critique(answer)
        if answer.source == "answer-002":
            return critique.model_copy(update={"fallback_reason": "HTTP 500"})
        return critique

    with Cache(tmp_path) as cache:
        list(grade_all(answers, flaky, jobs=2, cache=cache, fingerprint=fingerprint))
        again = SlowGrader(delay=0)
        list(grade_all(answers, again, jobs=2, cache=cache, fingerprint=fingerprint))
    assert sorted(again.calls) == ["answer-001", "answer-002"]


def test_one_job_runs_in_the_calling_thread():
    seen = set()

    def grader(answer):
        seen.add(threading.current_thread().name)
        return offline.critique(answer)

    list(grade_all(_answers(3), grader, jobs=1))
    assert seen == {threading.current_thread().name}


def test_a_cache_without_a_fingerprint_is_refused(tmp_path):
    with Cache(tmp_path) as cache, pytest.raises(ValueError):
        list(grade_all(_answers(1), offline.critique, cache=cache))
