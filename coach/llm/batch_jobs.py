"""What `coach batch` does, between the command line (coach.cli.batch) and the wire
(coach.llm.batch_api): which answers to send, one request line each, split into batches
within the API's limits, their state recorded in the cache database; and, coming back, the
results files indexed and judged (coach.llm.batch_replies).

A request's `custom_id` is its answer's cache key and its `body` what the synchronous engine
POSTs (`LLMCritic.body`), so a collected reply lands in the cache exactly where `coach
critique` looks for it.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from coach.batch import cache as cache_module
from coach.engine import DEFAULT_BASE_URL, DUMMY_API_KEY, EngineChoice, GradeOptions
from coach.llm import batch_api
from coach.llm.batch_api import BatchInfo, BatchService, Limits, PartFile, request_line
from coach.llm.batch_replies import BatchSource, ResultIndex
from coach.llm.failures import LLMFailure
from coach.llm.response_modes import JSON_OBJECT, JSON_SCHEMA, MODES
from coach.models import Answer, InputError

RESPONSE_FORMATS = (JSON_SCHEMA, JSON_OBJECT)
# Staged answers are written to the database this many at a time.
_STAGE_ROWS = 1000
RESULTS_FOLDER = "batches"  # under the cache folder: downloaded results until collected
_MISSING = {
    "expired": "the batch expired (24 h window) before this request ran",
    "cancelled": "the batch was cancelled before this request ran",
}
_MISSING_OTHERWISE = "the batch's results have no line for this request"


class BatchJobError(Exception):
    """The job cannot go on; `str(error)` is one line."""


# --- engine set-up ----------------------------------------------------------------------------


def llm_environ(environ: dict | None = None) -> dict:
    """The environment as the LLM engine would see it even with no endpoint set: export and
    import compute the custom_ids a later `coach critique` with OPENAI_API_KEY would look up."""
    env = dict(os.environ if environ is None else environ)
    if not env.get("OPENAI_API_KEY") and not env.get("OPENAI_BASE_URL"):
        env["OPENAI_BASE_URL"] = DEFAULT_BASE_URL
    return env


def critic_for(options: GradeOptions, choice: EngineChoice):
    """The LLM engine's critic for these options (ConfigError for unusable --prompts)."""
    from coach.engine import llm_critic

    return llm_critic(options, choice)


def service_for(choice: EngineChoice, options: GradeOptions) -> BatchService:
    return BatchService(choice.base_url, choice.api_key or DUMMY_API_KEY, timeout=options.timeout,
                        max_retries=options.max_retries)


# --- which answers to send --------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    answer: Answer
    custom_id: str
    # The same question, role and answer as an earlier one: one request serves both.
    duplicate: bool = False


@dataclass
class Skipped:
    """Why answers read were not sent, for the closing notes."""

    cached: int = 0
    other_kinds: int = 0
    unreadable: list[str] = field(default_factory=list)
    in_open_batches: Counter = field(default_factory=Counter)


def pending(items: Iterable[Answer | InputError], fingerprint: dict, store, skipped: Skipped, *,
            skip_open: bool) -> Iterator[Pending]:
    """The answers still to grade, streamed: not cached, (with `skip_open`) not already in a
    batch that has not been collected, interview answers only."""
    seen: set[str] = set()
    for item in items:
        if isinstance(item, InputError):
            skipped.unreadable.append(item.error)
            continue
        if item.kind != "answer":
            skipped.other_kinds += 1
            continue
        custom_id = cache_module.key(fingerprint, item)
        if store is not None and store.get(fingerprint, item) is not None:
            skipped.cached += 1
            continue
        open_batch = store.open_batch_with(custom_id) if store is not None and skip_open else None
        if open_batch is not None and custom_id not in seen:
            skipped.in_open_batches[open_batch] += 1
            continue
        yield Pending(item, custom_id, duplicate=custom_id in seen)
        seen.add(custom_id)


def probe_response_format(critic, first: Pending, store, fingerprint: dict) -> tuple[str, bool]:
    """Whether the server takes json_schema, learned by grading `first` synchronously (a batch
    cannot be probed once it runs). Returns the mode, and whether `first` is graded now (and
    cached), so it need not go in the batch."""
    critique, reason = None, "no reply"
    try:
        critique = critic.critique(first.answer)
    except LLMFailure as failure:
        reason = str(failure)
    mode = MODES.get(critic.client.base_url)
    if mode is None:
        raise BatchJobError(f"cannot tell whether the server takes json_schema: the probe request failed "
                            f"({reason}); pass --response-format json_schema or json_object")
    if critique is not None and store is not None:
        store.put(fingerprint, first.answer, critique)
    return mode, critique is not None


# --- submitting -------------------------------------------------------------------------------


class Submission:
    """Request lines written into part files within `limits`; each full part is uploaded, its
    batch created and recorded with its answers, before the next part is written."""

    def __init__(self, service: BatchService, store, critic, *, mode: str, fingerprint: dict,
                 limits: Limits | None = None, on_submitted: Callable[[BatchInfo, PartFile], None] = lambda i, p: None):
        self.service, self.store, self.critic = service, store, critic
        self.mode, self.fingerprint = mode, fingerprint
        self.limits = limits or batch_api.LIMITS  # read now: tests make it small
        self.on_submitted = on_submitted
        self.submitted: list[BatchInfo] = []
        self._part: PartFile | None = None
        self._staging_id = ""
        self._staged: list[tuple[int, str, Answer]] = []
        # Where each custom_id's request went (a staging id, then its batch id), so a duplicate
        # answer is recorded with the batch whose output holds its reply.
        self._home: dict[str, str] = {}
        self._batch_of_staging: dict[str, str] = {}
        self._position = 0

    def add(self, item: Pending) -> None:
        self._position += 1
        if item.duplicate:
            sent_as = self._batch_of_staging.get(self._home[item.custom_id])
            if sent_as is not None:  # its request went in an earlier part, already a batch
                self.store.stage_batch_answers(sent_as, [(self._position, item.custom_id, item.answer)])
            else:
                self._stage(item)
            return
        line = request_line(item.custom_id, self._body(item.answer))
        if self._part is not None and not self._part.fits(line, self.limits):
            self._send()
        if self._part is None:
            self._part = PartFile()
            self._staging_id = f"staging-{uuid.uuid4().hex}"
        self._part.add(line)
        self._home[item.custom_id] = self._staging_id
        self._stage(item)

    def finish(self) -> list[BatchInfo]:
        if self._part is not None:
            self._send()
        return self.submitted

    def abort(self) -> None:
        """After an error or Ctrl-C: the part being written is dropped, nothing half-recorded."""
        self._staged = []
        if self._part is not None:
            self._part.discard()
            self.store.discard_staged(self._staging_id)
            self._part = None

    def _body(self, answer: Answer) -> dict:
        try:
            return self.critic.body(answer, self.mode)
        except LLMFailure as failure:  # a prompt that does not render: the same for every answer
            raise BatchJobError(str(failure)) from None

    def _stage(self, item: Pending) -> None:
        self._staged.append((self._position, item.custom_id, item.answer))
        if len(self._staged) >= _STAGE_ROWS:
            self._flush()

    def _flush(self) -> None:
        rows, self._staged = self._staged, []
        if rows:
            self.store.stage_batch_answers(self._staging_id, rows)

    def _send(self) -> None:
        part, self._part = self._part, None
        self._flush()
        part.close()
        try:
            info = self.service.submit(part.path, metadata={"coach_requests": str(part.requests)})
            self.store.record_batch(self._record(info, part), self._staging_id)
        except BaseException:
            self.store.discard_staged(self._staging_id)
            raise
        finally:
            part.path.unlink(missing_ok=True)
        self._batch_of_staging[self._staging_id] = info.id
        self.submitted.append(info)
        self.on_submitted(info, part)

    def _record(self, info: BatchInfo, part: PartFile) -> cache_module.BatchRecord:
        return cache_module.BatchRecord(
            id=info.id, endpoint=self.service.shown_url, model=self.critic.endpoint.model, response_format=self.mode,
            fingerprint=self.fingerprint, redact=self.critic.redact, submitted=time.time(),
            requests=part.requests, size_bytes=part.size_bytes, status=info.status,
        )


def export(items: Iterable[Pending], critic, mode: str, out) -> int:
    """Every pending request as one input file for an offline runner (vLLM's run_batch);
    streamed line by line. Returns the number of requests written."""
    written = 0
    for item in items:
        if item.duplicate:
            continue
        out.write(request_line(item.custom_id, critic.body(item.answer, mode)).decode("utf-8"))
        written += 1
    return written


# --- coming back ------------------------------------------------------------------------------


def results_folder(batch_id: str) -> Path:
    return cache_module.cache_dir() / RESULTS_FOLDER / batch_id


def ended_info(service: BatchService, record: cache_module.BatchRecord, *, wait: bool,
               on_poll: Callable[[BatchInfo], None]) -> BatchInfo:
    """The batch's state once it has ended (polling with `wait`), else a BatchJobError."""
    from coach.llm.batch_api import wait_until_ended

    info = wait_until_ended(service, record.id, on_poll=on_poll) if wait else service.retrieve(record.id)
    if not wait:
        on_poll(info)
    if not info.ended:
        raise BatchJobError(f"{record.id} is {info.status} ({info.completed + info.failed} of {info.total} requests "
                            f"done); collect it when it has ended, or add --wait")
    if info.status == "failed":
        why = "; ".join(info.errors[:3]) or "no reason given"
        raise BatchJobError(f"{record.id} failed before running ({why}); nothing to collect: "
                            "`coach batch submit` sends its answers again")
    return info


def download_results(service: BatchService, info: BatchInfo) -> list[Path]:
    """The output and error files, on disk in the cache folder until the batch is collected; a
    file already there (from an interrupted collect) is not downloaded again."""
    folder = results_folder(info.id)
    paths = []
    for name, file_id in (("output.jsonl", info.output_file_id), ("errors.jsonl", info.error_file_id)):
        if not file_id:
            continue
        target = folder / name
        if not target.is_file():
            service.download(file_id, target)
        paths.append(target)
    return paths


def forget_results(batch_id: str) -> None:
    """Once collected, every reply is in the cache (or was a failure to send again)."""
    import shutil

    shutil.rmtree(results_folder(batch_id), ignore_errors=True)


def source_for_batch(record: cache_module.BatchRecord, status: str, paths: list[Path], store) -> BatchSource:
    """A submitted batch's results, judged as its requests were made (model, --redact). No
    prompt is rendered on the way back, so the default templates serve whatever --prompts was."""
    from coach.engine import settings_of

    checks, limits = settings_of(record.fingerprint)
    options = GradeOptions(model=record.model, redact=record.redact, checks=checks, limits=limits)
    choice = EngineChoice("llm", None, model=record.model)
    return BatchSource(ResultIndex(paths), record.fingerprint, critic_for(options, choice),
                       _MISSING.get(status, _MISSING_OTHERWISE),
                       carries=lambda custom_id: store.batch_carries(record.id, custom_id))


def source_for_file(path: Path, options: GradeOptions, choice: EngineChoice, fingerprint: dict) -> BatchSource:
    return BatchSource(ResultIndex([path]), fingerprint, critic_for(options, choice),
                       f"no result for this answer in {path}")
