"""Talking to an OpenAI-compatible chat-completions endpoint (an edge: network only).

One `ChatClient` is built per run and shared by every thread of a batch (the SDK client
and its connection pool are thread-safe). It sends one request, returns a validated
`Review` or raises: `SchemaUnsupported` (the server rejects json_schema: try JSON-object
mode), `InvalidReply` (the reply is not a valid Review: re-ask) or `LLMFailure` (give up,
with a one-line reason). `openai` is imported here only, when the first client is built.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import nullcontext
from dataclasses import dataclass

from coach.llm.schema import Review, json_schema, strict_response_format
from coach.models import Usage

JSON_SCHEMA = "json_schema"
JSON_OBJECT = "json_object"

# Servers that do not know json_schema say so in many ways (llama.cpp: HTTP 500, "must be
# 'text' or 'json_object'"); all mention the response format.
_SCHEMA_COMPLAINT = re.compile(rb"(?i)json_schema|response_format|json_object|response format")
_SCHEMA_REJECTION_STATUSES = (400, 415, 422, 500, 501)
# How long gradings wait for the first request's verdict on json_schema (see _ModeMemory).
PROBE_GRACE = 0.05
# A complete Review (ratings, a few quotes, advice, a 200-word rewrite) is well under this.
JSON_OBJECT_MAX_TOKENS = 1500
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class LLMFailure(Exception):
    """No usable review from the model; `str(error)` is one line a person can act on."""


class SchemaUnsupported(Exception):
    """The server rejected the json_schema response format."""


class InvalidReply(Exception):
    """The reply is not a valid Review; `errors` says why, for the one re-ask."""

    def __init__(self, content: str, errors: str):
        super().__init__(errors)
        self.content = content
        self.errors = errors


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
        http_client = openai.DefaultHttpxClient(
            event_hooks={"request": [self._count_request], "response": [self._veto_schema_retries]}
        )
        self._client = openai.OpenAI(
            api_key=endpoint.api_key,
            base_url=endpoint.base_url,
            timeout=endpoint.timeout,
            max_retries=endpoint.max_retries,
            http_client=http_client,
        )
        self.base_url = str(self._client.base_url).rstrip("/")

    def close(self) -> None:
        self._client.close()

    def complete(self, messages: list[dict], mode: str, meter: UsageMeter) -> Review:
        """One request (plus the SDK's retries); a valid Review or one of this module's errors."""
        self._local.meter = meter
        try:
            with self._slots:
                text = self._send(messages, mode)
        except self._openai.APIStatusError as error:
            if mode == JSON_SCHEMA and _rejects_schema(error):
                raise SchemaUnsupported(_status_reason(error)) from None
            raise LLMFailure(_status_reason(error, self.endpoint.max_retries)) from None
        except self._openai.APITimeoutError:
            raise LLMFailure(f"timed out after {self.endpoint.timeout:g} s{_retried(self.endpoint.max_retries)}") from None
        except self._openai.APIConnectionError as error:
            raise LLMFailure(f"cannot connect to {self.base_url}: {_cause(error)}") from None
        except self._openai.OpenAIError as error:
            raise LLMFailure(f"request failed: {_one_line(str(error))}") from None
        finally:
            self._local.meter = None
        completion = _json_object(text)
        if completion is None:
            raise LLMFailure(f"the server's reply is not a chat completion: {_one_line(text, 80)!r}")
        meter.add_tokens(completion.get("usage"))
        return _review(completion)

    def _send(self, messages: list[dict], mode: str) -> str:
        """The reply's body. Through the SDK's documented `post` (its retries, timeouts and
        errors), not `chat.completions.create`: create walks every message through the
        SDK's typed-dict transformer and builds a typed ChatCompletion from the reply, a
        third of the client's CPU per answer, on the critical path of a concurrent batch.
        Our body is plain JSON already, and `_review` validates the reply either way."""
        body = {"model": self.endpoint.model, "messages": messages, "temperature": self.endpoint.temperature}
        if mode == JSON_SCHEMA:
            if self.endpoint.max_tokens:
                body["max_tokens"] = self.endpoint.max_tokens
            body["response_format"] = strict_response_format()
        else:
            # JSON-object mode means a local or older server: always cap the reply (max_tokens
            # is understood by all of them), so a small model cannot ramble until its context
            # is full. llama.cpp constrains decoding to `schema`; other servers ignore it.
            body["max_tokens"] = self.endpoint.max_tokens or JSON_OBJECT_MAX_TOKENS
            body["response_format"] = {"type": "json_object", "schema": json_schema()}
        return self._client.post("/chat/completions", body=body, cast_to=str)

    # httpx event hooks: they run in the thread that sends the request.
    def _count_request(self, request) -> None:
        meter = getattr(self._local, "meter", None)
        if meter is not None:
            meter.add_request()

    def _veto_schema_retries(self, response) -> None:
        # The SDK retries every 5xx; a server that answers json_schema with a 500 would burn
        # all retries on a request that can never succeed. "x-should-retry: false" stops it.
        if response.status_code < 500 or b"json_schema" not in (response.request.content or b""):
            return
        response.read()
        if _SCHEMA_COMPLAINT.search(response.content):
            response.headers["x-should-retry"] = "false"


def _review(completion: dict) -> Review:
    """The Review in a chat.completion body, or why there is none."""
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
        raise LLMFailure(f"the model refused: {_one_line(str(message['refusal']))}")
    content = message.get("content")
    return _validate(content if isinstance(content, str) else "")


def _validate(content: str) -> Review:
    from pydantic import ValidationError

    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        return Review.model_validate_json(text)
    except ValidationError as error:
        raise InvalidReply(content, _errors(error)) from None


def _errors(error) -> str:
    problems = []
    for item in error.errors()[:8]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "reply"
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    more = error.error_count() - len(problems)
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


def _rejects_schema(error) -> bool:
    status = error.status_code
    if status == 400:
        return True
    return status in _SCHEMA_REJECTION_STATUSES and bool(_SCHEMA_COMPLAINT.search(_body_bytes(error)))


def _body_bytes(error) -> bytes:
    try:
        return error.response.content or b""
    except Exception:  # a streamed or closed body: judge by the message alone
        return str(error).encode()


def _status_reason(error, retries: int | None = None) -> str:
    status = error.status_code
    detail = _one_line(_server_message(error))
    if status == 429:
        return f"rate limited (HTTP 429){_retried(retries)}"
    if status >= 500:
        return f"server error (HTTP {status}){_retried(retries)}: {detail}"
    if status == 401:
        return "authentication failed (HTTP 401): check OPENAI_API_KEY"
    if status == 404:
        return f"not found (HTTP 404): check --model and OPENAI_BASE_URL: {detail}"
    return f"request rejected (HTTP {status}): {detail}"


def _server_message(error) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if body.get("message"):
            return str(body["message"])
    return getattr(error, "message", "") or str(error)


def _retried(retries: int | None) -> str:
    if not retries:
        return ""
    return f" after {retries} {'retry' if retries == 1 else 'retries'}"


def _cause(error) -> str:
    cause = error.__cause__ or error.__context__
    text = str(cause) if cause else str(error)
    if "refused" in text.lower():
        return "connection refused"
    return _one_line(text) or "connection error"


def _json_object(text: str) -> dict | None:
    try:
        body = json.loads(text)
    except (ValueError, TypeError):
        return None
    return body if isinstance(body, dict) else None


def _one_line(text: str | None, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
