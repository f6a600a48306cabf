"""Talking to an OpenAI-compatible chat-completions endpoint (an edge: network only).

One `ChatClient` is built per run and shared by every thread of a batch (the SDK client
and its connection pool are thread-safe). It sends one request, returns a validated
`Review` (or the reply model asked for: a kind's review, coach.llm.schema) or raises one of
coach.llm.failures: `SchemaUnsupported` (the server rejects json_schema: try JSON-object
mode), `InvalidReply` (the reply is not a valid Review: re-ask) or `LLMFailure` (give up,
with a one-line reason; `CannotConnect` when the server could not be reached, `Unreachable`
when nothing was sent because it could not be reached UNREACHABLE_AFTER times in a row:
coach.llm.reachability). What it sends and how the reply is read are coach.llm.completions'.
`openai` is imported here only, when the first client is built.
"""

from __future__ import annotations

import json
import threading

from pydantic import BaseModel

from coach.llm.completions import chat_body, review_from_completion
from coach.llm.endpoint import Endpoint
from coach.llm.failures import (
    CannotConnect,
    LLMFailure,
    SchemaUnsupported,
    Unreachable,
    cause,
    complains_of_schema,
    one_line,
    rejects_schema,
    retried,
    status_reason,
)
from coach.llm.reachability import Attempt, Reachability
from coach.llm.response_modes import JSON_SCHEMA
from coach.llm.schema import Review
from coach.llm.slots import Slots
from coach.llm.urls import shown_url
from coach.llm.usage_meter import UsageMeter

# Slots when the run sets no limit (--jobs sets one).
_UNLIMITED = 1 << 16


class ChatClient:
    def __init__(self, endpoint: Endpoint):
        import openai

        self.endpoint = endpoint
        self._openai = openai
        self._local = threading.local()
        self.slots = Slots(endpoint.max_in_flight or _UNLIMITED)
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
        kind's review: coach.llm.schema) or one of coach.llm.failures' errors."""
        self._local.meter = meter
        try:
            with self.slots:
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
        self.slots.let_senders_go_first()
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
        attempt = self._local.attempt = Attempt(self.reach, probe=self.reach.admit(), on_sent=self.slots.sent)
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


def _json_object(text: str) -> dict | None:
    """The reply's body as a JSON object, or None (a proxy's error page, say): told apart
    from an invalid review, which is worth a re-ask."""
    try:
        body = json.loads(text)
    except (ValueError, TypeError):
        return None
    return body if isinstance(body, dict) else None
