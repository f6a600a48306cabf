"""Why a request to the model failed, as exceptions and one-line reasons a person can act on
("rate limited (HTTP 429) after 2 retries", "connection refused"). Shared by the synchronous
client (coach/llm/client.py) and the Batch API (coach/llm/batch_api.py)."""

from __future__ import annotations

import re

# Servers that do not know json_schema say so in many ways (llama.cpp: HTTP 500, "must be
# 'text' or 'json_object'"); all mention the response format.
_SCHEMA_COMPLAINT = re.compile(rb"(?i)json_schema|response_format|json_object|response format")
_SCHEMA_REJECTION_STATUSES = (400, 415, 422, 500, 501)
_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")
_DNS_FAILURE = re.compile(r"(?i)name or service not known|nodename nor servname|name resolution|getaddrinfo")


class LLMFailure(Exception):
    """No usable review from the model; `str(error)` is one line a person can act on."""


class CannotConnect(LLMFailure):
    """The endpoint was not reached: refused, DNS, closed without a reply."""

    usage = None  # set by the critic: tokens are none, requests may be several


class Unreachable(CannotConnect):
    """Not sent: the endpoint could not be reached UNREACHABLE_AFTER times in a row this run."""

    def __init__(self, url: str, cause: str, attempts: int):
        super().__init__(f"cannot connect to {url}: {cause} (not sent: {attempts} connection attempts in a row failed)")
        self.url, self.cause, self.attempts = url, cause, attempts


class SchemaUnsupported(Exception):
    """The server rejected the json_schema response format."""


class InvalidReply(Exception):
    """The reply is not a valid Review; `errors` says why, for the one re-ask."""

    def __init__(self, content: str, errors: str):
        super().__init__(errors)
        self.content = content
        self.errors = errors


def errors_of(error) -> str:
    """A pydantic ValidationError as one line: where and what, the first eight problems."""
    problems = []
    for item in error.errors()[:8]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "reply"
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    more = error.error_count() - len(problems)
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


def complains_of_schema(content: bytes) -> bool:
    """Whether a server's error body is about the response format it was asked for."""
    return bool(_SCHEMA_COMPLAINT.search(content))


def rejects_schema(error) -> bool:
    status = error.status_code
    if status == 400:
        return True
    return status in _SCHEMA_REJECTION_STATUSES and bool(_SCHEMA_COMPLAINT.search(_body_bytes(error)))


def _body_bytes(error) -> bytes:
    try:
        return error.response.content or b""
    except Exception:  # a streamed or closed body: judge by the message alone
        return str(error).encode()


def status_reason(error, retries: int | None = None) -> str:
    status = error.status_code
    detail = one_line(server_message(error))
    if status == 429:
        return f"rate limited (HTTP 429){retried(retries)}"
    if status >= 500:
        return f"server error (HTTP {status}){retried(retries)}: {detail}"
    if status == 401:
        return "authentication failed (HTTP 401): check OPENAI_API_KEY"
    if status == 404:
        return f"not found (HTTP 404): check --model and OPENAI_BASE_URL: {detail}"
    return f"request rejected (HTTP {status}): {detail}"


def server_message(error) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if body.get("message"):
            return str(body["message"])
    return getattr(error, "message", "") or str(error)


def retried(retries: int | None) -> str:
    """" after 2 retries", or nothing."""
    if not retries:
        return ""
    return f" after {retries} {'retry' if retries == 1 else 'retries'}"


def cause(error) -> str:
    cause = error.__cause__ or error.__context__
    return unreachable_cause(cause or error)


def unreachable_cause(error) -> str:
    """Why a connection attempt failed, in a few words ("connection refused")."""
    text = _ERRNO.sub("", str(error)).rstrip(".")
    if type(error).__name__ == "ConnectTimeout":
        return "connect timed out"
    if "refused" in text.lower():
        return "connection refused"
    if _DNS_FAILURE.search(text):
        return "host name not found"
    # "Server disconnected without sending a response" reads as part of a sentence.
    text = text[:1].lower() + text[1:] if text[1:2].islower() else text
    return one_line(text) or "connection error"


def one_line(text: str | None, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
