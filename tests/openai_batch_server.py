"""The loopback OpenAI-compatible server of tests/openai_server.py, plus the Files and
Batches APIs, with scripted progress: the real openai SDK uploads, polls and downloads.

    POST /v1/files                    multipart upload (file, purpose)
    GET  /v1/files/{id}, /v1/files/{id}/content
    POST /v1/batches                  create; GET /v1/batches (list), /v1/batches/{id}
    POST /v1/batches/{id}/cancel

Each created batch takes the next `BatchScript` (else `default_script`): the statuses its
successive retrieves show (created at the first), and which of its requests run before it
ends. Each request that runs is answered by `respond(request_line) -> LineResult`: a 200
reply, an HTTP error (a non-200 `status_code`, in the error file), a line-level `error`, or
junk. Output lines are written in reverse order, as a real batch does not keep input order.
Chat completions (the synchronous probe) are still served by OpenAIServer.

    with OpenAIBatchServer(respond=lambda line: ok(completion(...))) as server:
        server.scripts.append(BatchScript(progress=["validating", "in_progress", "expired"], runs=lambda i, line: i < 3))
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as email_policy

from openai_server import OpenAIServer, Step

COMPLETED = ["validating", "in_progress", "finalizing", "completed"]
ENDED = ("completed", "failed", "expired", "cancelled")


@dataclass
class LineResult:
    status_code: int = 200
    body: dict | None = None
    error: dict | None = None  # a line-level error: {"code", "message"}
    junk: str | None = None  # written as it is instead of a JSON line


def ok(body: dict) -> LineResult:
    return LineResult(body=body)


def http_error(status: int, message: str) -> LineResult:
    return LineResult(status_code=status, body={"error": {"message": message, "type": "server_error"}})


def line_error(code: str, message: str) -> LineResult:
    return LineResult(status_code=0, error={"code": code, "message": message})


def junk(text: str = "this is not json") -> LineResult:
    return LineResult(junk=text)


@dataclass
class BatchScript:
    progress: list[str] = field(default_factory=lambda: list(COMPLETED))
    # Which requests run before the batch ends (index in the file, the line); None: all.
    runs: Callable[[int, dict], bool] | None = None
    # For a batch that fails validation: its errors ({"code", "message", "line"}).
    errors: list[dict] = field(default_factory=list)


@dataclass
class _Batch:
    id: str
    input_file_id: str
    script: BatchScript
    created_at: int
    metadata: dict
    step: int = 0
    cancelled: bool = False
    output_file_id: str | None = None
    error_file_id: str | None = None
    counts: dict = field(default_factory=lambda: {"total": 0, "completed": 0, "failed": 0})

    @property
    def status(self) -> str:
        if self.cancelled:
            return "cancelled" if self.step > 0 else "cancelling"
        return self.script.progress[min(self.step, len(self.script.progress) - 1)]


_FILE_CONTENT = re.compile(r"^/v1/files/([^/]+)/content$")
_FILE = re.compile(r"^/v1/files/([^/]+)$")
_BATCH = re.compile(r"^/v1/batches/([^/]+)$")
_CANCEL = re.compile(r"^/v1/batches/([^/]+)/cancel$")


class OpenAIBatchServer(OpenAIServer):
    def __init__(self, default: Step | None = None, *, respond: Callable[[dict], LineResult] | None = None):
        super().__init__(default)
        self.respond = respond or (lambda line: http_error(500, "no responder"))
        self.default_script = BatchScript()
        self.scripts: deque[BatchScript] = deque()
        self.files: dict[str, dict] = {}  # id -> {"filename", "purpose", "content": bytes}
        self.batches: dict[str, _Batch] = {}
        self.api_calls: list[tuple[str, str]] = []  # (method, path) of every Files/Batches call
        self._ids = 0
        self._batch_lock = threading.Lock()

    # --- what tests read ----------------------------------------------------------------------

    def uploaded_lines(self) -> list[dict]:
        """Every request line of every uploaded batch file, in upload order."""
        return [json.loads(line) for f in self.files.values() if f["purpose"] == "batch"
                for line in f["content"].decode("utf-8").splitlines()]

    def calls_to(self, method: str, pattern: str) -> int:
        return sum(1 for m, path in self.api_calls if m == method and re.fullmatch(pattern, path))

    # --- the API --------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}-{self._ids:04d}"

    def _upload(self, fields: dict) -> tuple[int, dict]:
        filename, content = fields.get("file", (None, b""))
        purpose = fields.get("purpose", (None, b""))[1].decode()
        with self._batch_lock:
            file_id = self._new_id("file")
            self.files[file_id] = {"filename": filename, "purpose": purpose, "content": content}
        return 200, self._file_object(file_id)

    def _file_object(self, file_id: str) -> dict:
        f = self.files[file_id]
        return {"id": file_id, "object": "file", "bytes": len(f["content"]), "created_at": int(time.time()),
                "filename": f["filename"] or "upload", "purpose": f["purpose"], "status": "processed"}

    def _create(self, body: dict) -> tuple[int, dict]:
        if body.get("input_file_id") not in self.files:
            return 400, {"error": {"message": "no such input file", "type": "invalid_request_error"}}
        if body.get("completion_window") != "24h" or body.get("endpoint") != "/v1/chat/completions":
            return 400, {"error": {"message": f"unsupported batch: {body}", "type": "invalid_request_error"}}
        with self._batch_lock:
            script = self.scripts.popleft() if self.scripts else self.default_script
            batch = _Batch(self._new_id("batch"), body["input_file_id"], script, int(time.time()), body.get("metadata") or {})
            batch.counts["total"] = len(self._input_lines(batch))
            self.batches[batch.id] = batch
        return 200, self._batch_object(batch)

    def _retrieve(self, batch_id: str, *, advance: bool) -> tuple[int, dict]:
        with self._batch_lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, {"error": {"message": f"No batch found with id '{batch_id}'.", "type": "invalid_request_error"}}
            if advance:
                batch.step += 1
            if batch.status in ENDED and batch.output_file_id is None and batch.error_file_id is None:
                self._run(batch)
            return 200, self._batch_object(batch)

    def _cancel(self, batch_id: str) -> tuple[int, dict]:
        with self._batch_lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, {"error": {"message": "no such batch"}}
            batch.cancelled, batch.step = True, 0
            return 200, self._batch_object(batch)

    def _input_lines(self, batch: _Batch) -> list[dict]:
        return [json.loads(line) for line in self.files[batch.input_file_id]["content"].decode().splitlines() if line]

    def _run(self, batch: _Batch) -> None:
        """The batch has ended: its output and error files, from the requests that ran."""
        if batch.status == "failed":
            return
        output, errors = [], []
        for index, line in enumerate(self._input_lines(batch)):
            if batch.script.runs is not None and not batch.script.runs(index, line):
                continue
            result = self.respond(line)
            if result.junk is not None:
                output.append(result.junk)
                continue
            entry = {"id": f"batch_req_{index}", "custom_id": line["custom_id"], "response": None, "error": result.error}
            if result.error is None:
                entry["response"] = {"status_code": result.status_code, "request_id": f"req_{index}", "body": result.body}
            succeeded = result.error is None and result.status_code == 200
            (output if succeeded else errors).append(json.dumps(entry))
            batch.counts["completed" if succeeded else "failed"] += 1
        for lines, attribute in ((output, "output_file_id"), (errors, "error_file_id")):
            if lines:
                file_id = self._new_id("file")
                self.files[file_id] = {"filename": f"{attribute}.jsonl", "purpose": "batch_output",
                                       "content": ("\n".join(reversed(lines)) + "\n").encode()}
                setattr(batch, attribute, file_id)

    def _batch_object(self, batch: _Batch) -> dict:
        status = batch.status
        errors = None
        if status == "failed":
            errors = {"object": "list", "data": batch.script.errors or [{"code": "invalid_request", "message": "bad file", "line": None}]}
        return {
            "id": batch.id, "object": "batch", "endpoint": "/v1/chat/completions", "errors": errors,
            "input_file_id": batch.input_file_id, "completion_window": "24h", "status": status,
            "output_file_id": batch.output_file_id, "error_file_id": batch.error_file_id,
            "created_at": batch.created_at, "expires_at": batch.created_at + 86400,
            "request_counts": dict(batch.counts), "metadata": batch.metadata,
        }

    # --- HTTP -----------------------------------------------------------------------------------

    def _handler_class(self):
        server = self
        chat_handler = super()._handler_class()

        class Handler(chat_handler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                with server._lock:
                    server.api_calls.append(("GET", path))
                if match := _FILE_CONTENT.match(path):
                    found = server.files.get(match.group(1))
                    if found is None:
                        self._json(404, {"error": {"message": "no such file"}})
                    else:
                        self._bytes(200, found["content"], "application/octet-stream")
                elif match := _FILE.match(path):
                    if match.group(1) in server.files:
                        self._json(200, server._file_object(match.group(1)))
                    else:
                        self._json(404, {"error": {"message": "no such file"}})
                elif match := _BATCH.match(path):
                    self._json(*server._retrieve(match.group(1), advance=True))
                elif path == "/v1/batches":
                    data = [server._batch_object(b) for b in server.batches.values()]
                    self._json(200, {"object": "list", "data": data, "has_more": False})
                else:
                    self._json(404, {"error": {"message": f"no route {path}"}})

            def do_POST(self) -> None:
                path = self.path.split("?")[0]
                if path == "/v1/files":
                    self._record(path)
                    self._json(*server._upload(self._multipart()))
                elif path == "/v1/batches":
                    self._record(path)
                    self._json(*server._create(self._json_body()))
                elif match := _CANCEL.match(path):
                    self._record(path)
                    self._json_body()
                    self._json(*server._cancel(match.group(1)))
                else:
                    super().do_POST()  # chat completions

            def _record(self, path: str) -> None:
                with server._lock:
                    server.api_calls.append(("POST", path))

            def _raw(self) -> bytes:
                return self.rfile.read(int(self.headers.get("content-length") or 0))

            def _json_body(self) -> dict:
                raw = self._raw()
                return json.loads(raw) if raw else {}

            def _multipart(self) -> dict[str, tuple[str | None, bytes]]:
                head = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode()
                message = BytesParser(policy=email_policy).parsebytes(head + self._raw())
                return {part.get_param("name", header="content-disposition"): (part.get_filename(), part.get_payload(decode=True))
                        for part in message.iter_parts()}

            def _json(self, status: int, body: dict) -> None:
                self._bytes(status, json.dumps(body).encode(), "application/json")

            def _bytes(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
