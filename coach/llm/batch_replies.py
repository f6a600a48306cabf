"""Ingesting a batch's results: every reply judged like a synchronous one, every failure labelled.

A results file is JSONL, one line per request, as the Batch API writes its output and error
files and vLLM's `run_batch` its output:
    {"custom_id": KEY, "response": {"status_code": 200, "body": <chat.completion>}, "error": null}
`ResultIndex` finds each custom_id's line without holding the files in memory (an offset
per line). `ReplyGrader` is a grader (answer -> Critique) for coach.batch: it looks the
answer's line up by its cache key, runs the reply through `LLMCritic.critique_reply` (the
synchronous path's parse, quote verification, guard and rubric), stores a good critique in
the cache at once (so an interrupted ingestion keeps everything it finished) and turns any
other outcome into an offline critique whose `fallback_reason` says why, or, with
--no-fallback, into an error entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from coach.batch import cache as cache_module
from coach.batch import cached_or_none
from coach.models import Answer, Critique, Usage
from coach.rules import offline
from coach.rules.check_settings import CheckSettings
from coach.rules.thresholds import DEFAULT_LIMITS, Limits
from coach.wording import clip

# Fallbacks noted one by one on stderr; past this, one closing note counts the rest (an
# expired batch can leave thousands unanswered).
MAX_FALLBACKS_NOTED = 10
_REASON_CHARS = 200


class _ResultError(BaseModel):
    code: str | None = None
    message: str | None = None


class _ResultResponse(BaseModel):
    status_code: int = 200
    body: dict | str | None = None


class ResultLine(BaseModel):
    """One line of a results file; fields coach does not read are ignored."""

    custom_id: str
    response: _ResultResponse | None = None
    error: _ResultError | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.response is not None and self.response.status_code == 200

    def completion_or_reason(self) -> dict | str:
        """The chat.completion body of a reply, or why there is none (one line)."""
        if self.error is not None:
            return _one_line(f"the batch request failed: {self.error.code or 'error'}: {self.error.message or 'no message'}")
        if self.response is None:
            return "the batch's result line has no response"
        body = self.response.body
        if self.response.status_code != 200:
            return _one_line(f"the batch request failed (HTTP {self.response.status_code}): {_body_message(body)}")
        if not isinstance(body, dict):
            return "the batch's reply is not a chat completion"
        return body


def _body_message(body) -> str:
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(body or "no message")


@dataclass
class _Location:
    path: Path
    offset: int
    succeeded: bool


class ResultIndex:
    """Where each custom_id's line is, over one or more results files, and which lines are junk."""

    def __init__(self, paths: Iterable[Path]):
        self.paths = [Path(p) for p in paths]
        self._where: dict[str, _Location] = {}
        self.junk_lines = 0
        self._lock = threading.Lock()
        for path in self.paths:
            self._scan(path)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, custom_id: str) -> bool:
        return custom_id in self._where

    def custom_ids(self) -> set[str]:
        return set(self._where)

    def _scan(self, path: Path) -> None:
        with open(path, "rb") as handle:
            offset = 0
            for raw in handle:
                line = _parsed(raw)
                if line is None:
                    self.junk_lines += raw.strip() != b""
                else:
                    self._keep(line, _Location(path, offset, line.succeeded))
                offset += len(raw)

    def _keep(self, line: ResultLine, location: _Location) -> None:
        # A request answered twice (a runner's retry): a success wins over a failure.
        known = self._where.get(line.custom_id)
        if known is None or (location.succeeded and not known.succeeded):
            self._where[line.custom_id] = location

    def line(self, custom_id: str) -> ResultLine | None:
        location = self._where.get(custom_id)
        if location is None:
            return None
        with self._lock, open(location.path, "rb") as handle:
            handle.seek(location.offset)
            return _parsed(handle.readline())


def _parsed(raw: bytes) -> ResultLine | None:
    try:
        return ResultLine.model_validate_json(raw)
    except ValidationError:
        return None


@dataclass
class BatchSource:
    """One batch's results, and how its answers' custom_ids were computed."""

    index: ResultIndex
    fingerprint: dict
    critic: object  # coach.llm.critic.LLMCritic; imported by the caller
    # The fallback reason of an answer with no line (the batch expired first, ...).
    missing_reason: str
    # Whether a custom_id was sent in this batch (None: every answer asked about was).
    carries: Callable[[str], bool] | None = None
    used: set[str] = field(default_factory=set)

    def custom_id(self, answer: Answer) -> str:
        return cache_module.key(self.fingerprint, answer)

    @property
    def unmatched(self) -> int:
        """Result lines that no answer asked for (other inputs, another model or prompts)."""
        return len(self.index.custom_ids() - self.used)


Notify = Callable[[str], None]


@dataclass
class Tally:
    from_model: int = 0
    from_cache: int = 0
    fallbacks: int = 0
    missing: int = 0
    other_kinds: int = 0


class ReplyGrader:
    """answer -> Critique from a batch's results; see the module's docstring."""

    def __init__(self, sources: list[BatchSource], store, *, no_fallback: bool = False, notify: Notify | None = None,
                 checks: CheckSettings | None = None, limits: Limits = DEFAULT_LIMITS):
        """`store` is a coach.batch.cache.Cache (or None: nothing read or kept). The source holding an
        answer's line grades it; an answer without one gets the missing_reason of the batch
        that carried it. `checks` and `limits`: the configuration's, as `coach critique` has
        them, so what is stored is what a later critique would look up."""
        self.sources = sources
        self.store = store
        self.no_fallback = no_fallback
        self._notify = notify or (lambda message: None)
        self.tally = Tally()
        self.checks = checks or CheckSettings()
        self.limits = limits

    def __call__(self, answer: Answer) -> Critique:
        if answer.kind != "answer":
            # Never put in a batch (batch_jobs.pending leaves them out): graded offline here.
            self.tally.other_kinds += 1
            return offline.critique(answer, self.limits)
        source, custom_id = self._source_of(answer)
        cached = cached_or_none(self.store, source.fingerprint, answer)
        if cached is not None:
            self.tally.from_cache += 1
            return cached
        line = source.index.line(custom_id) if custom_id in source.index else None
        if line is None:
            self.tally.missing += 1
            return self._fall_back(answer, source.missing_reason)
        source.used.add(custom_id)
        reply = line.completion_or_reason()
        if isinstance(reply, str):
            return self._fall_back(answer, reply)
        return self._judged(source, answer, reply)

    def _source_of(self, answer: Answer) -> tuple[BatchSource, str]:
        for source in self.sources:
            custom_id = source.custom_id(answer)
            if custom_id in source.index:
                return source, custom_id
        for source in self.sources:
            custom_id = source.custom_id(answer)
            if source.carries is None or source.carries(custom_id):
                return source, custom_id
        first = self.sources[0]
        return first, first.custom_id(answer)

    def _judged(self, source: BatchSource, answer: Answer, completion: dict) -> Critique:
        from coach.llm.failures import LLMFailure

        try:
            critique = self.checks.apply(source.critic.critique_reply(answer, completion))
        except LLMFailure as failure:
            return self._fall_back(answer, str(failure), getattr(failure, "usage", None))
        except Exception as error:  # noqa: BLE001 - a bug in ingestion must not cost the answer
            return self._fall_back(answer, f"internal error: {type(error).__name__}: {error}")
        self.tally.from_model += 1
        if self.store is not None:
            # Now, not at the end: a collect killed half-way keeps every critique it made.
            self.store.put(source.fingerprint, answer, critique)
        return critique

    def _fall_back(self, answer: Answer, reason: str, usage: Usage | None = None) -> Critique:
        from coach.engine import fallback_critique, fallback_note

        reason = _one_line(reason)
        critique = fallback_critique(answer, reason, usage, self.limits, no_fallback=self.no_fallback)
        self.tally.fallbacks += 1
        if self.tally.fallbacks <= MAX_FALLBACKS_NOTED:
            self._notify(fallback_note(answer, reason))
        return self.checks.apply(critique)

    def finish(self) -> None:
        """The closing notes: fallbacks past those noted, and result lines nobody asked for."""
        from coach.wording import count_of

        unnoted = self.tally.fallbacks - MAX_FALLBACKS_NOTED
        if unnoted > 0:
            self._notify(f"{count_of(unnoted, 'more answer')} fell back to the offline engine (reasons in the report's "
                         "fallback_reason)")
        junk = sum(source.index.junk_lines for source in self.sources)
        if junk:
            self._notify(f"{count_of(junk, 'line')} of the results could not be read and {'was' if junk == 1 else 'were'} ignored")
        unmatched = sum(source.unmatched for source in self.sources)
        if unmatched:
            self._notify(f"{count_of(unmatched, 'result line')} matched none of these answers (other inputs, or "
                         "exported with another --model, prompts, --redact or OPENAI_BASE_URL?)")


def _one_line(text: str) -> str:
    return clip(text, _REASON_CHARS)
