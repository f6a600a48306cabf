"""The chat-completion wire format: the request body for a response mode, and the review read
back out of a reply. Shared by the synchronous client (coach.llm.client) and the Batch API
(whose lines the critic builds and judges with these), so the two can never differ.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from coach.llm.endpoint import Endpoint
from coach.llm.failures import InvalidReply, LLMFailure, errors_of, one_line
from coach.llm.response_modes import JSON_SCHEMA
from coach.llm.schema import Review, json_schema, strict_response_format

# A complete Review (ratings, a few quotes, advice, a 200-word rewrite) is well under this.
JSON_OBJECT_MAX_TOKENS = 1500
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


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
