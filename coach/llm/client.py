"""Talking to an OpenAI-compatible chat-completions endpoint (an edge: network only).

One `ChatClient` is built per run and shared by every thread of a batch (the SDK client
and its connection pool are thread-safe). It sends one request, returns a validated
`Review` (or the reply model asked for: a kind's review, coach.llm.schema) or raises: `SchemaUnsupported` (the server rejects json_schema: try JSON-object
mode), `InvalidReply` (the reply is not a valid Review: re-ask) or `LLMFailure` (give up,
with a one-line reason; `CannotConnect` when the server could not be reached, `Unreachable`
when nothing was sent because it could not be reached UNREACHABLE_AFTER times in a row).
`openai` is imported here only, when the first client is built.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import nullcontext
from dataclasses import dataclass

from pydantic import BaseModel

from coach.llm.failures import (  # noqa: F401 - the failures are the client's to raise, and importers find them here
    CannotConnect,
    InvalidReply,
    LLMFailure,
    SchemaUnsupported,
    Unreachable,
    cause,
    complains_of_schema,
    errors_of,
    one_line,
    rejects_schema,
    retried,
    status_reason,
    unreachable_cause,
)
from coach.llm.schema import Review, json_schema, strict_response_format
from coach.llm.urls import post_url, shown_host, shown_url  # noqa: F401 - as above
from coach.models import Usage

JSON_SCHEMA = "json_schema"
JSON_OBJECT = "json_object"

# How long gradings wait for the first request's verdict on json_schema (see _ModeMemory).
PROBE_GRACE = 0.05
# A complete Review (ratings, a few quotes, advice, a 200-word rewrite) is well under this.
JSON_OBJECT_MAX_TOKENS = 1500
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
# Connection attempts (the SDK's retries included, from all of a batch's threads) that may
# fail in a row before the endpoint is taken to be down: nothing more is sent to it this run.
UNREACHABLE_AFTER = 3
_SLOW_NOT_DOWN = frozenset({"ReadTimeout", "WriteTimeout", "PoolTimeout"})
# The steps of an attempt before the server has said anything (httpcore's trace names): one
# that fails means the endpoint was not reached (refused, DNS, connect timeout, TLS, closed
# without a reply). A read timeout is not one: the server is there, its model is slow.
_BEFORE_A_RESPONSE = frozenset({
    "connect_tcp", "connect_unix_socket", "start_tls", "setup_socks5_connection", "send_connection_init",
    "send_request_headers", "send_request_body", "receive_response_headers",
})


@dataclass(frozen=True)
class Endpoint:
    base_url: str | None
    api_key: str
    model: str
    timeout: float
    max_retries: int
    temperature: float
    max_tokens: int | None = None
    max_in_flight: int | None = None  # requests at once, however many threads grade


class UsageMeter:
    """Token usage and HTTP requests (SDK retries included) of one grading."""

    def __init__(self) -> None:
        self.usage = Usage()

    def add_tokens(self, usage) -> None:
        if not isinstance(usage, dict):
            return
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            value = usage.get(name) or 0
            if isinstance(value, int):
                setattr(self.usage, name, getattr(self.usage, name) + value)

    def add_request(self) -> None:
        self.usage.requests += 1


class _ModeMemory:
    """Which response format each base URL accepts, remembered for the whole run.

    The first grading against a URL probes json_schema. A server that rejects it says so
    at once (it validates the request before generating), while a reply takes the model's
    whole latency: so the other gradings wait for the probe's verdict only PROBE_GRACE
    seconds, then presume json_schema. A batch pays for a rejected json_schema once (or,
    from a server slower to reject than the grace, once per answer already in flight), and
    a server that accepts it no longer costs a batch a whole reply's latency up front.
    """

    def __init__(self) -> None:
        self._modes: dict[str, str] = {}
        self._verdicts: dict[str, threading.Event] = {}
        self._guard = threading.Lock()

    def get(self, url: str) -> str | None:
        return self._modes.get(url)

    def set(self, url: str, mode: str) -> None:
        self._modes[url] = mode
        self._verdict(url).set()

    def claim_probe(self, url: str) -> bool:
        """True for the first caller for this URL: it sends the probe."""
        with self._guard:
            if url in self._verdicts:
                return False
            self._verdicts[url] = threading.Event()
            return True

    def wait(self, url: str, timeout: float) -> str | None:
        self._verdict(url).wait(timeout)
        return self._modes.get(url)

    def _verdict(self, url: str) -> threading.Event:
        with self._guard:
            return self._verdicts.setdefault(url, threading.Event())


MODES = _ModeMemory()


class Reachability:
    """Whether the endpoint answers at all, learned from every connection attempt of the run.

    A batch against a server that was down used to try (and retry) every answer, printing
    the same note each time. Failures are counted per attempt across threads; after
    UNREACHABLE_AFTER in a row `down` is true and nothing more is sent. Any HTTP response,
    an error status too, shows the server is there and resets the count.

    Until a response has shown the server is there (at the start, and after a failure),
    one attempt at a time probes it and the others wait for it at most PROBE_GRACE: the
    reasoning of _ModeMemory again. A server that is down says so at once (refused, unknown
    host, reset), one that is up replies only after the model's latency. So a batch of any
    --jobs against a dead port makes about UNREACHABLE_AFTER attempts, not one per job, and
    a live server costs the batch PROBE_GRACE once.
    """

    def __init__(self, limit: int = UNREACHABLE_AFTER):
        self.limit = limit
        self._lock = threading.Lock()
        self._probe = threading.Semaphore(1)
        self.failures = 0
        self.cause = ""
        self.proven = False  # a response since the last failure

    def admit(self) -> bool:
        """Before an attempt; True if it is the probe, which must `release` when it ends."""
        return not self.proven and self._probe.acquire(timeout=PROBE_GRACE)

    def release(self) -> None:
        self._probe.release()

    def failed(self, cause: str) -> None:
        with self._lock:
            self.failures += 1
            self.cause = cause
            self.proven = False

    def answered(self) -> None:
        with self._lock:
            self.failures = 0
            self.proven = True

    @property
    def down(self) -> bool:
        return self.failures >= self.limit


class ChatClient:
    def __init__(self, endpoint: Endpoint):
        import openai

        self.endpoint = endpoint
        self._openai = openai
        self._local = threading.local()
        # A batch runs more threads than requests in flight: those without a slot prepare
        # their next answer (offline critique, prompt) while the requests are out, so a slot
        # freed by a reply is taken by a request that is ready to go.
        self._slots = threading.BoundedSemaphore(endpoint.max_in_flight) if endpoint.max_in_flight else nullcontext()
        self.reach = Reachability()
        # Raised by the request hook once the endpoint is down. The SDK passes an OpenAIError
        # straight through; anything else it would retry, after a backoff sleep, max_retries times.
        self._not_sent = type("NotSent", (openai.OpenAIError,), {})
        http_client = openai.DefaultHttpxClient(
            event_hooks={"request": [self._before_request], "response": [self._answered, self._veto_schema_retries]}
        )
        self._client = openai.OpenAI(
            api_key=endpoint.api_key,
            base_url=endpoint.base_url,
            timeout=endpoint.timeout,
            max_retries=endpoint.max_retries,
            http_client=http_client,
        )
        self.base_url = str(self._client.base_url).rstrip("/")
        self.shown_url = shown_url(self.base_url)

    def close(self) -> None:
        self._client.close()

    def complete(self, messages: list[dict], mode: str, meter: UsageMeter, reply: type[BaseModel] = Review) -> BaseModel:
        """One request (plus the SDK's retries); a valid `reply` (an answer's Review, or a
        kind's review: coach.llm.schema) or one of this module's errors."""
        self._local.meter = meter
        try:
            with self._slots:
                text = self._send(messages, mode, reply)
        except self._not_sent:
            raise Unreachable(self.shown_url, self.reach.cause, self.reach.failures) from None
        except self._openai.APIStatusError as error:
            if mode == JSON_SCHEMA and rejects_schema(error):
                raise SchemaUnsupported(status_reason(error)) from None
            raise LLMFailure(status_reason(error, self.endpoint.max_retries)) from None
        except self._openai.APITimeoutError as error:
            timed_out = f"timed out after {self.endpoint.timeout:g} s{retried(self.endpoint.max_retries)}"
            if type(error.__cause__).__name__ == "ConnectTimeout":  # never reached, as opposed to a slow model
                raise CannotConnect(f"cannot connect to {self.shown_url}: connect {timed_out}") from None
            raise LLMFailure(timed_out) from None
        except self._openai.APIConnectionError as error:
            raise CannotConnect(f"cannot connect to {self.shown_url}: {cause(error)}") from None
        except self._openai.OpenAIError as error:
            raise LLMFailure(f"request failed: {one_line(str(error))}") from None
        finally:
            self._local.meter = None
            self._end_attempt()
        completion = _json_object(text)
        if completion is None:
            raise LLMFailure(f"the server's reply is not a chat completion: {one_line(text, 80)!r}")
        meter.add_tokens(completion.get("usage"))
        return review_from_completion(completion, reply)

    def _send(self, messages: list[dict], mode: str, reply: type[BaseModel] = Review) -> str:
        """The reply's body. Through the SDK's documented `post` (its retries, timeouts and
        errors), not `chat.completions.create`: create walks every message through the
        SDK's typed-dict transformer and builds a typed ChatCompletion from the reply, a
        third of the client's CPU per answer, on the critical path of a concurrent batch.
        Our body is plain JSON already, and `review_from_completion` validates the reply either way."""
        return self._client.post("/chat/completions", body=chat_body(self.endpoint, messages, mode, reply), cast_to=str)

    # httpx event hooks and httpcore's trace: they run in the thread that sends the request.
    def _before_request(self, request) -> None:
        self._end_attempt()  # this thread's previous attempt, if its trace never said it ended
        if self.reach.down:
            raise self._not_sent("not sent: the endpoint is unreachable")
        attempt = self._local.attempt = _Attempt(self.reach, probe=self.reach.admit())
        if self.reach.down:  # found down while this attempt waited for the probe
            self._end_attempt()
            raise self._not_sent("not sent: the endpoint is unreachable")
        request.extensions["trace"] = attempt
        meter = getattr(self._local, "meter", None)
        if meter is not None:
            meter.add_request()

    def _end_attempt(self) -> None:
        attempt, self._local.attempt = getattr(self._local, "attempt", None), None
        if attempt is not None:
            attempt.end()

    def _answered(self, response) -> None:
        self.reach.answered()

    def _veto_schema_retries(self, response) -> None:
        # The SDK retries every 5xx; a server that answers json_schema with a 500 would burn
        # all retries on a request that can never succeed. "x-should-retry: false" stops it.
        if response.status_code < 500 or b"json_schema" not in (response.request.content or b""):
            return
        response.read()
        if complains_of_schema(response.content):
            response.headers["x-should-retry"] = "false"


class _Attempt:
    """One attempt (each SDK retry is a new one), followed through httpcore's trace.

    It tells `reach` when it failed before the server said anything, once however many of
    its steps failed (a write that fails is followed by a read that fails too), and gives
    the probe back when it ends: at the response's headers, or at its first failed step.
    """

    def __init__(self, reach: Reachability, *, probe: bool):
        self.reach = reach
        self.probe = probe
        self.ended = False

    def __call__(self, event: str, info: dict) -> None:
        step, _, outcome = event.rpartition(".")
        step = step.rpartition(".")[2]
        if self.ended or not (outcome == "failed" or (step == "receive_response_headers" and outcome == "complete")):
            return
        error = info.get("exception")
        if outcome == "failed" and step in _BEFORE_A_RESPONSE and type(error).__name__ not in _SLOW_NOT_DOWN:
            self.reach.failed(unreachable_cause(error))
        self.end()

    def end(self) -> None:
        self.ended = True
        if self.probe:
            self.probe = False
            self.reach.release()


def chat_body(endpoint: Endpoint, messages: list[dict], mode: str, reply: type[BaseModel] = Review) -> dict:
    """The chat-completion request body in `mode`: what a synchronous request POSTs, and the
    `body` of a Batch API line (coach.llm.batch_api), so the two can never differ."""
    body = {"model": endpoint.model, "messages": messages, "temperature": endpoint.temperature}
    if mode == JSON_SCHEMA:
        if endpoint.max_tokens:
            body["max_tokens"] = endpoint.max_tokens
        body["response_format"] = strict_response_format(reply)
    else:
        # JSON-object mode means a local or older server: always cap the reply (max_tokens
        # is understood by all of them), so a small model cannot ramble until its context
        # is full. llama.cpp constrains decoding to `schema`; other servers ignore it.
        body["max_tokens"] = endpoint.max_tokens or JSON_OBJECT_MAX_TOKENS
        body["response_format"] = {"type": "json_object", "schema": json_schema(reply)}
    return body


def review_from_completion(completion: dict, reply: type[BaseModel] = Review) -> BaseModel:
    """The review (a `reply`: Review unless a kind's) in a chat.completion body (a synchronous reply or a batch output line's),
    or why there is none: `InvalidReply` (worth a re-ask) or `LLMFailure`."""
    choices = completion.get("choices")
    if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
        raise InvalidReply("", "the reply had no choices")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
    if choice.get("finish_reason") == "length":
        raise LLMFailure("the reply was cut off (finish_reason=length)")
    if choice.get("finish_reason") == "content_filter":
        raise LLMFailure("the model refused (content filter)")
    if message.get("refusal"):
        raise LLMFailure(f"the model refused: {one_line(str(message['refusal']))}")
    content = message.get("content")
    return _validate(content if isinstance(content, str) else "", reply)


def _validate(content: str, reply: type[BaseModel] = Review) -> BaseModel:
    from pydantic import ValidationError

    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        return reply.model_validate_json(text)
    except ValidationError as error:
        raise InvalidReply(content, errors_of(error)) from None


def _json_object(text: str) -> dict | None:
    try:
        body = json.loads(text)
    except (ValueError, TypeError):
        return None
    return body if isinstance(body, dict) else None
