"""Grading many answers at once: concurrent, cached, in a stable order, never losing one.

`grade_all` takes the answers as they are read (a stream: a 10,000-row file is never held
whole) and yields one `Graded` per input, in input order (folders are already sorted by the
readers), as soon as it and everything before it is done. At most `window` answers are in
flight or waiting for an earlier one, so memory does not grow with the batch.

A grader (GradeFunction) is any callable answer -> Critique: the engine decides what it does; this module
only runs it. A grader that raises turns into an error entry for that answer alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from coach.models import Answer, Critique, InputError, Result

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

# Anything that grades one answer: the engine (coach.engine.Grader), a batch's reply reader, a test double.
GradeFunction = Callable[[Answer], Critique]


@dataclass(frozen=True)
class Graded:
    """One input's outcome, with the answer it came from (None when it could not be read)."""

    answer: Answer | None
    result: Result

    @property
    def failed(self) -> bool:
        return isinstance(self.result, InputError)


class CacheLike(Protocol):  # the part of coach.batch.cache.Cache a batch uses
    def get(self, fingerprint: dict, answer: Answer) -> Critique | None: ...
    def put(self, fingerprint: dict, answer: Answer, critique: Critique) -> bool: ...


def grade_all(
    items: Iterable[Answer | InputError],
    grader: GradeFunction,
    *,
    jobs: int = 1,
    cache: CacheLike | None = None,
    fingerprint: dict | None = None,
    executor: Executor | None = None,
    window: int | None = None,
) -> Iterator[Graded]:
    """Every input's outcome, in input order. With jobs == 1 and no executor, no thread starts."""
    if cache is not None and fingerprint is None:
        raise ValueError("a cache needs the engine's fingerprint")
    lookup = _Lookup(cache, fingerprint)
    if jobs <= 1 and executor is None:
        for item in items:
            yield _graded_here(item, grader, lookup)
        return
    from concurrent.futures import ThreadPoolExecutor  # a one-answer run never pays for it

    own_executor = executor is None
    pool = executor or ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="coach-grade")
    try:
        yield from _grade_concurrently(items, grader, pool, lookup, window or max(4 * jobs, 16))
    finally:
        if own_executor:
            # On Ctrl-C or a closed generator: drop what has not started; finished work is cached.
            pool.shutdown(wait=False, cancel_futures=True)


def cached_or_none(cache: CacheLike | None, fingerprint: dict, answer: Answer) -> Critique | None:
    """The cached critique, or None: none is cached, there is no cache, or it cannot be read
    (an unreadable cache means grading again, not failing)."""
    if cache is None:
        return None
    try:
        return cache.get(fingerprint, answer)
    except Exception:  # noqa: BLE001 - sqlite3.Error and OSError, without importing sqlite3 here
        return None


class _Lookup:
    def __init__(self, cache: CacheLike | None, fingerprint: dict | None):
        self.cache, self.fingerprint = cache, fingerprint

    def get(self, answer: Answer) -> Critique | None:
        return cached_or_none(self.cache, self.fingerprint, answer)

    def put(self, answer: Answer, critique: Critique) -> None:
        if self.cache:
            self.cache.put(self.fingerprint, answer, critique)


def _graded_here(item: Answer | InputError, grader: GradeFunction, lookup: _Lookup) -> Graded:
    if isinstance(item, InputError):
        return Graded(None, item)
    cached = lookup.get(item)
    if cached is not None:
        return Graded(item, cached)
    return Graded(item, _grade_and_store(grader, item, lookup))


def _grade_concurrently(items, grader, pool: Executor, lookup: _Lookup, window: int) -> Iterator[Graded]:
    from queue import SimpleQueue

    source = iter(enumerate(items))
    running: dict[Future, tuple[int, Answer]] = {}
    # Each future reports itself here when done: concurrent.futures.wait() locked every
    # running future on every call, 7% of a 16-job batch's CPU on this thread.
    completed: SimpleQueue[Future] = SimpleQueue()
    finished: dict[int, Graded] = {}  # done, waiting for an earlier answer to finish
    next_out = 0
    exhausted = False
    while True:
        while not exhausted and len(running) + len(finished) < window:
            index, item = next(source, (None, None))
            if index is None:
                exhausted = True
            elif isinstance(item, InputError):
                finished[index] = Graded(None, item)
            else:
                # The cache lookup runs in the worker too: in this loop it waited on the
                # workers' writes and held back every dispatch.
                future = pool.submit(_cached_or_graded, grader, item, lookup)
                running[future] = (index, item)
                future.add_done_callback(completed.put)
        while next_out in finished:
            yield finished.pop(next_out)
            next_out += 1
        if not running:
            if exhausted and not finished:
                return
            continue
        future = completed.get()
        index, answer = running.pop(future)
        finished[index] = Graded(answer, future.result())  # never raises


def _cached_or_graded(grader: GradeFunction, answer: Answer, lookup: _Lookup) -> Result:
    cached = lookup.get(answer)
    return cached if cached is not None else _grade_and_store(grader, answer, lookup)


def _grade_and_store(grader: GradeFunction, answer: Answer, lookup: _Lookup) -> Result:
    """Runs in a worker: the result is stored the moment it exists, so even work that
    finishes while an interrupted run shuts down is kept for the next run."""
    try:
        result = grader(answer)
    except Exception as error:  # noqa: BLE001 - one answer's failure must not end the batch
        message = _describe(error)
        if not message.startswith(f"{answer.source}: "):
            message = f"{answer.source}: grading failed ({message})"
        return InputError(source=answer.source, error=message)
    try:
        lookup.put(answer, result)
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs a regrade later
        pass
    return result


def _describe(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:299] + "…"
