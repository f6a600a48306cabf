"""A real, scriptable OpenAI-compatible chat-completions server on loopback, for tests.

The openai SDK (>= 3) uses its own HTTP stack, so mocking httpx sees nothing: tests start
this server and point coach at it, and the SDK's real request, retry and parse code runs.

Each request to POST .../chat/completions takes the next scripted `Step` (status, headers,
body, delay, hang); when the script runs out, `default` answers (a Step or a function of
the request body). Every request body is recorded, so tests can count requests and read
exactly what was sent.

    with OpenAIServer() as server:
        server.script(error(429, retry_after=0), reply(review_json))
        env = {"OPENAI_BASE_URL": server.url}
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Step:
    status: int = 200
    body: dict | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    hang: bool = False  # never answer (until the server stops)


Responder = Callable[[dict], Step]


def completion(content: str | None, *, finish_reason: str = "stop", refusal: str | None = None,
               usage: tuple[int, int] = (100, 50), model: str = "test-model") -> dict:
    """A chat.completion body as the OpenAI API returns it."""
    prompt, completion_tokens = usage
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion_tokens, "total_tokens": prompt + completion_tokens},
    }


def reply(content: str | dict, **kwargs) -> Step:
    """A 200 reply whose message content is `content` (a dict is sent as JSON text)."""
    text = json.dumps(content) if isinstance(content, dict) else content
    delay = kwargs.pop("delay", 0.0)
    return Step(body=completion(text, **kwargs), delay=delay)


def refusal(text: str = "I can't help with that.") -> Step:
    return Step(body=completion(None, refusal=text))


def error(status: int, message: str = "error", *, retry_after: float | None = None, kind: str = "server_error") -> Step:
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
    return Step(status=status, body={"error": {"message": message, "type": kind, "param": None, "code": None}}, headers=headers)


def hang() -> Step:
    return Step(hang=True)


class OpenAIServer:
    def __init__(self, default: Step | Responder | None = None):
        self.default = default if default is not None else error(500, "no scripted reply left")
        self._script: deque[Step] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[dict] = []
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        # stop() waits for serve_forever to see the shutdown, up to one poll interval: at 0.05 s
        # that was ~40 ms of every test's teardown, against one cheap select() per 5 ms here.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def script(self, *steps: Step) -> OpenAIServer:
        with self._lock:
            self._script.extend(steps)
        return self

    def start(self) -> OpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hung handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _next_step(self, body: dict) -> Step:
        with self._lock:
            if self._script:
                return self._script.popleft()
        return self.default(body) if callable(self.default) else self.default

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms a request). Real servers set TCP_NODELAY too.
            disable_nagle_algorithm = True

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_unparsed": raw.decode("utf-8", "replace")}
                with server._lock:
                    server.requests.append(body)
                    server.paths.append(self.path)
                    server.headers.append({k.lower(): v for k, v in self.headers.items()})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(Step(status=404, body={"error": {"message": f"no route {self.path}"}}))
                    return
                self._send(server._next_step(body))

            def _send(self, step: Step) -> None:
                if step.hang:
                    server._stopping.wait(600)
                    return
                if step.delay:
                    time.sleep(step.delay)
                payload = step.body if isinstance(step.body, str) else json.dumps(step.body or {})
                data = payload.encode("utf-8")
                try:
                    self.send_response(step.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in step.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (e.g. its timeout): nothing to answer

        return Handler
