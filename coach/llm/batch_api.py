"""The OpenAI Batch API's wire (an edge: files and network only): request lines, the API's
limits, uploading a file, creating, polling, cancelling a batch and downloading its results.

A batch input file is JSONL, one request a line:
    {"custom_id": KEY, "method": "POST", "url": "/v1/chat/completions", "body": {...}}
The same format runs on vLLM's `run_batch` and Azure OpenAI's batch deployments. What goes in
`body` and how a reply is judged are decided elsewhere (coach.llm.critic); this module only
moves files and batches. `openai` is imported only when a `BatchService` is built.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

# The Batch API's own limits for one batch (platform.openai.com/docs/guides/batch): past
# either, a submission is split into several batches. 200 MB counted in decimal megabytes,
# the smaller reading, so a file we accept is never refused for its size.
MAX_REQUESTS_PER_BATCH = 50_000
MAX_BATCH_FILE_BYTES = 200 * 1000 * 1000
COMPLETION_WINDOW = "24h"  # the only window the API offers
CHAT_COMPLETIONS_URL = "/v1/chat/completions"
FILE_PURPOSE = "batch"
ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
# --wait: the first poll after POLL_FIRST_SECONDS, each wait POLL_GROWTH times the last, never
# more than POLL_LONGEST_SECONDS (a batch takes minutes to hours: polling faster only costs calls).
POLL_FIRST_SECONDS = 5.0
POLL_GROWTH = 1.5
POLL_LONGEST_SECONDS = 300.0
# Uploading 200 MB takes longer than one chat request's --timeout on most uplinks.
UPLOAD_TIMEOUT_SECONDS = 900.0


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True)

    requests: int
    size_bytes: int


# Read at call time, so tests can make the limits small.
LIMITS = Limits(requests=MAX_REQUESTS_PER_BATCH, size_bytes=MAX_BATCH_FILE_BYTES)
# How --wait sleeps between polls; tests replace it so waiting takes no time.
sleep_between_polls: Callable[[float], None] = time.sleep


def request_line(custom_id: str, body: dict) -> bytes:
    """One line of a batch input file, newline included (its size counts toward the limit)."""
    line = {"custom_id": custom_id, "method": "POST", "url": CHAT_COMPLETIONS_URL, "body": body}
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


class PartFile:
    """One batch's input file being written, in a temporary file that `fits` keeps within limits."""

    def __init__(self, folder: Path | None = None):
        descriptor, name = tempfile.mkstemp(prefix="coach-batch-", suffix=".jsonl", dir=folder)
        self.path = Path(name)
        self._file = os.fdopen(descriptor, "wb")
        self.requests = 0
        self.size_bytes = 0

    def fits(self, line: bytes, limits: Limits) -> bool:
        return self.requests < limits.requests and self.size_bytes + len(line) <= limits.size_bytes

    def add(self, line: bytes) -> None:
        self._file.write(line)
        self.requests += 1
        self.size_bytes += len(line)

    def close(self) -> None:
        self._file.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


class BatchApiError(Exception):
    """A Files or Batches API call failed; `str(error)` is one line a person can act on."""


class BatchInfo(BaseModel):
    """What coach reads of a Batch object."""

    id: str
    status: str
    created_at: int = 0
    expires_at: int | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[str] = []

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @classmethod
    def of(cls, batch) -> BatchInfo:
        counts = batch.request_counts
        errors = batch.errors.data if batch.errors and batch.errors.data else []
        return cls(
            id=batch.id, status=batch.status, created_at=batch.created_at or 0, expires_at=batch.expires_at,
            total=counts.total if counts else 0, completed=counts.completed if counts else 0,
            failed=counts.failed if counts else 0, output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
            errors=[_error_text(error) for error in errors],
        )


def _error_text(error) -> str:
    where = f" (line {error.line})" if getattr(error, "line", None) else ""
    return f"{error.code or 'error'}: {error.message or 'no message'}{where}"


class BatchService:
    """The Files and Batches endpoints of one OpenAI-compatible server."""

    def __init__(self, base_url: str | None, api_key: str, *, timeout: float, max_retries: int):
        import openai

        from coach.llm.urls import shown_url

        self._openai = openai
        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries)
        self.shown_url = shown_url(str(self._client.base_url).rstrip("/"))

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> BatchService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, path: Path, metadata: dict[str, str]) -> BatchInfo:
        """Upload one input file (purpose "batch") and create its batch."""
        with open(path, "rb") as handle:
            uploaded = self._call(lambda: self._client.files.create(
                file=(path.name, handle, "application/jsonl"), purpose=FILE_PURPOSE, timeout=UPLOAD_TIMEOUT_SECONDS))
        batch = self._call(lambda: self._client.batches.create(
            input_file_id=uploaded.id, endpoint=CHAT_COMPLETIONS_URL, completion_window=COMPLETION_WINDOW,
            metadata=metadata))
        return BatchInfo.of(batch)

    def retrieve(self, batch_id: str) -> BatchInfo:
        return BatchInfo.of(self._call(lambda: self._client.batches.retrieve(batch_id)))

    def cancel(self, batch_id: str) -> BatchInfo:
        return BatchInfo.of(self._call(lambda: self._client.batches.cancel(batch_id)))

    def download(self, file_id: str, target: Path) -> None:
        """Streamed to disk (an output file can be larger than memory), and moved to `target`
        only once complete: a file found at `target` is always whole."""
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")

        def fetch() -> None:
            with self._client.files.with_streaming_response.content(file_id) as response:
                response.stream_to_file(partial)

        try:
            self._call(fetch)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

    def _call(self, request: Callable):
        from coach.llm.failures import cause as _cause
        from coach.llm.failures import status_reason as _status_reason

        openai = self._openai
        try:
            return request()
        except openai.APIStatusError as error:
            if error.status_code == 404:
                raise BatchApiError(f"{self.shown_url}: not found (HTTP 404): {_server_message(error)} "
                                    "(a server without the Batch API? `coach batch export` writes the file "
                                    "for vLLM's run_batch)") from None
            raise BatchApiError(f"{self.shown_url}: {_status_reason(error)}") from None
        except openai.APITimeoutError:
            raise BatchApiError(f"{self.shown_url}: timed out") from None
        except openai.APIConnectionError as error:
            raise BatchApiError(f"cannot connect to {self.shown_url}: {_cause(error)}") from None
        except openai.OpenAIError as error:
            raise BatchApiError(f"{self.shown_url}: {' '.join(str(error).split())}") from None
        except OSError as error:
            raise BatchApiError(f"{getattr(error, 'filename', None) or 'file'}: {error.strerror or error}") from None


def _server_message(error) -> str:
    from coach.llm.failures import server_message as message

    return " ".join(message(error).split())[:160]


def wait_until_ended(
    service: BatchService,
    batch_id: str,
    *,
    on_poll: Callable[[BatchInfo], None] = lambda info: None,
    sleep: Callable[[float], None] | None = None,
) -> BatchInfo:
    """Poll until the batch ends (completed, failed, expired, cancelled), waiting longer each
    time; `on_poll` sees every status read."""
    sleep = sleep or sleep_between_polls
    delay = POLL_FIRST_SECONDS
    while True:
        info = service.retrieve(batch_id)
        on_poll(info)
        if info.ended:
            return info
        sleep(delay)
        delay = min(delay * POLL_GROWTH, POLL_LONGEST_SECONDS)
