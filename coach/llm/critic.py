"""The LLM engine for one answer: code counts, the model judges, code verifies and scores.

1. The offline critique is computed first; its metrics and STAR cues go to the model as facts.
2. The model replies with a `Review` (ratings, STAR judgements with quotes, advice, rewrite).
3. Every quote is checked against the answer; unverifiable ones are dropped and recorded,
   a STAR part claimed with no surviving quote is marked unverified and its rating capped.
4. The score comes from `coach.rules.rubric.score` over the ratings, as offline: never from the model.

A thank-you email or a list of questions to ask goes the same way with its own prompt, reply
model and assembly (coach/llm/kind_critic.py), sharing the asking, the re-ask and the fallbacks
here and the judging of the reply (quote checks, guard, tally) in coach/llm/judging.py.

`LLMCritic` is built once per run and is safe to share between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from coach.llm.client import ChatClient
from coach.llm.completions import chat_body, review_from_completion
from coach.llm.endpoint import Endpoint
from coach.llm.failures import CannotConnect, InvalidReply, LLMFailure, SchemaUnsupported
from coach.llm.guard import is_template
from coach.llm.judging import (
    Tally,
    _clip,
    checking,
    concerns_of,
    dropped_findings,
    ensure_usable,
    judge_part,
    prose_of,
    unverified_finding,
)
from coach.llm.prompting import Facts, PromptError, Prompts
from coach.llm.redact import Redactor
from coach.llm.response_modes import JSON_OBJECT, JSON_SCHEMA, MODES, PROBE_GRACE
from coach.llm.schema import Review, reply_shape
from coach.llm.usage_meter import UsageMeter
from coach.llm.verify import AnswerIndex
from coach.models import STAR_PARTS, Answer, Critique, Finding, Star, StarPart, Usage
from coach.rules import offline, rubric
from coach.rules.thresholds import DEFAULT_LIMITS, Limits

ENGINE = "llm"
# A STAR part the model calls present but cannot quote is rated at most this.
# The invalid reply echoed back in the one re-ask is clipped to this many characters.
MAX_ECHOED_REPLY = 6000
_MISSING_SEVERITY = {"situation": "warning", "task": "warning", "action": "problem", "result": "problem"}


class Failure(LLMFailure):
    """An LLMFailure that also carries the tokens spent before giving up."""

    def __init__(self, reason: str, usage: Usage):
        super().__init__(reason)
        self.usage = usage


@dataclass(frozen=True)
class Prepared:
    """One text ready to be sent: its offline critique, the redactor of what is sent, the
    prompt (`build(reply_shape)`), the reply model asked for, and how a reply becomes the
    critique (`assemble(review, *, model, usage, restore)`)."""

    base: Critique
    redactor: Redactor | None
    build: Callable[[str | None], list[dict]]
    reply: type[BaseModel]
    assemble: Callable[..., Critique]


class LLMCritic:
    def __init__(self, endpoint: Endpoint, *, prompts_dir: Path | str | None = None, redact: bool = False,
                 limits: Limits = DEFAULT_LIMITS):
        self.endpoint = endpoint
        self.redact = redact
        self.limits = limits  # for the offline critique every reply starts from
        self.prompts = Prompts(Path(prompts_dir) if prompts_dir else None)
        if prompts_dir:  # the shipped templates are rendered by the tests, not at every start
            self.prompts.check()
        self._client: ChatClient | None = None
        self._client_lock = threading.Lock()

    @property
    def client(self) -> ChatClient:
        with self._client_lock:
            if self._client is None:
                self._client = ChatClient(self.endpoint)
            return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def request(self, answer: Answer) -> dict:
        """The request the first attempt would send (for --dry-run): nothing is sent.
        PromptError when the prompts directory has no template for the text's kind."""
        return {
            "model": self.endpoint.model,
            "temperature": self.endpoint.temperature,
            "response_format": JSON_SCHEMA,
            "messages": self._prepare(answer).build(None),
        }

    def body(self, answer: Answer, mode: str) -> dict:
        """Exactly the body the first attempt in `mode` POSTs: a Batch API line's `body`."""
        prepared = self._prepare(answer)
        return chat_body(self.endpoint, _messages(prepared, mode), mode, prepared.reply)

    def critique(self, answer: Answer) -> Critique:
        if self._client is not None:  # a batch under way: its ready requests are sent first
            self._client.slots.let_senders_go_first()
        prepared = self._prepare(answer)
        meter = UsageMeter()
        return self._judged(prepared, lambda: self._ask(prepared, meter), meter)

    def critique_reply(self, answer: Answer, completion: dict) -> Critique:
        """A reply that came another way (a Batch API output line) through the same parse,
        quote verification, guard and rubric as a synchronous one. No re-ask: a batch's
        reply cannot be answered back, so an invalid one is a failure."""
        meter = UsageMeter()
        meter.add_request()
        meter.add_tokens(completion.get("usage"))
        prepared = self._prepare(answer)
        return self._judged(prepared, lambda: review_from_completion(completion, prepared.reply), meter)

    def _judged(self, prepared: Prepared, review_of: Callable[[], BaseModel], meter: UsageMeter) -> Critique:
        """The critique from the model's review, or a `Failure` carrying the usage spent."""
        redactor = prepared.redactor
        try:
            review = review_of()
            return prepared.assemble(review, restore=redactor.restore if redactor else None,
                                     model=self.endpoint.model, usage=meter.usage)
        except CannotConnect as failure:
            # Kept as it is: the engine counts these instead of noting each one.
            failure.usage = meter.usage
            raise
        except InvalidReply as bad:
            raise Failure(f"the reply is not a valid review: {_clip(bad.errors, 160)}", meter.usage) from None
        except LLMFailure as failure:
            raise Failure(str(failure), meter.usage) from None

    def _prepare(self, answer: Answer) -> Prepared:
        redactor = Redactor() if self.redact else None
        if answer.kind != "answer":
            from coach.llm.kind_critic import prepare

            return prepare(answer, self.prompts, redactor)
        base = offline.critique(answer, self.limits)
        text = redactor.redact(answer.text) if redactor else answer.text
        question = answer.question
        if redactor and question:
            question = redactor.redact(question)
        facts = Facts.of(base)

        def build(reply_shape: str | None) -> list[dict]:
            return self.prompts.messages(
                answer=text, question=question, role=answer.role, facts=facts, reply_shape=reply_shape
            )

        def assembled(review: Review, **how) -> Critique:
            return assemble(answer, base, review, **how)

        return Prepared(base, redactor, build, Review, assembled)

    def _ask(self, prepared: Prepared, meter: UsageMeter) -> BaseModel:
        url = self.client.base_url
        mode = MODES.get(url)
        if mode is None and not MODES.claim_probe(url):
            mode = MODES.wait(url, PROBE_GRACE)
        if mode is None:  # the probe, or its reply is taking the model's time: json_schema is presumed
            return self._ask_in(JSON_SCHEMA, prepared, meter, remember=True)
        return self._ask_in(mode, prepared, meter, remember=False)

    def _ask_in(self, mode: str, prepared: Prepared, meter: UsageMeter, *, remember: bool) -> BaseModel:
        try:
            return self._valid_reply(mode, prepared, meter, remember=remember)
        except SchemaUnsupported:
            # Known now, before the JSON-object reply: gradings waiting for it go straight there.
            MODES.set(self.client.base_url, JSON_OBJECT)
            return self._valid_reply(JSON_OBJECT, prepared, meter, remember=False)

    def _valid_reply(self, mode: str, prepared: Prepared, meter: UsageMeter, *, remember: bool) -> BaseModel:
        messages = _messages(prepared, mode)
        try:
            review = self.client.complete(messages, mode, meter, prepared.reply)
        except InvalidReply as bad:
            self._remember(mode, remember)
            repair = [
                {"role": "assistant", "content": bad.content[:MAX_ECHOED_REPLY]},
                {"role": "user", "content": self.prompts.repair(bad.errors)},
            ]
            try:
                review = self.client.complete([*messages, *repair], mode, meter, prepared.reply)
            except InvalidReply as again:
                raise LLMFailure(f"the reply stayed invalid after one re-ask: {_clip(again.errors, 160)}") from None
        self._remember(mode, remember)
        return review

    def _remember(self, mode: str, remember: bool) -> None:
        # Only a mode the server answered with 200 is remembered.
        if remember:
            MODES.set(self.client.base_url, mode)


def _messages(prepared: Prepared, mode: str) -> list[dict]:
    """The prompt for `mode`: JSON-object mode describes the reply's shape in the prompt."""
    try:
        return prepared.build(reply_shape(prepared.reply) if mode == JSON_OBJECT else None)
    except PromptError as error:
        raise LLMFailure(f"cannot render the prompt: {error}") from None


def assemble(
    answer: Answer,
    base: Critique,
    review: Review,
    *,
    model: str,
    usage: Usage,
    restore: Callable[[str], str] | None = None,
) -> Critique:
    """The final critique: counts from `base` (offline), judgements from `review`, all verified."""
    restore, index, guard, tally = checking(answer, restore)

    star, star_findings = _star(review, index, restore, tally)
    ratings = review.ratings() | {name: part.rating for name, part in star.parts()}
    concerns = concerns_of(review, index, guard, restore, tally)
    strengths, suggestions, rewrite = prose_of(review, guard, restore, tally)
    ensure_usable(tally, claims=any(part.present for _, part in star.parts()))

    kept = [f for f in base.findings if not _is_offline_star_verdict(f)]
    findings = kept + star_findings + concerns + dropped_findings(tally.dropped)
    return base.model_copy(
        update={
            "engine": ENGINE,
            "model": model,
            "fallback_reason": None,
            # The same caps as offline (a dodge is a relevance or question-type *problem*; a credit or a warning
            # caps nothing), from the offline findings the reply cannot change.
            "score": rubric.score_of(base, ratings),
            "ratings": ratings,
            "star": star,
            "findings": findings,
            "strengths": strengths,
            # Advice that did not survive the guard is replaced by the offline engine's.
            "suggestions": suggestions or base.suggestions,
            "rewrite": rewrite,
            "rewrite_is_template": bool(rewrite) and is_template(rewrite),
            "usage": usage,
        }
    )


def _star(review: Review, index: AnswerIndex, restore, tally: Tally) -> tuple[Star, list[Finding]]:
    parts, findings = {}, []
    for name in STAR_PARTS:
        judged = getattr(review, name)
        spans, rating, verified = judge_part(judged, index, restore, tally)
        parts[name] = StarPart(present=judged.present, evidence=spans, rating=rating, verified=verified)
        if not judged.present:
            findings.append(
                Finding(
                    check="star",
                    severity=_MISSING_SEVERITY[name],
                    message=f"No clear {name.capitalize()} in the answer.",
                    suggestion=_MISSING_ADVICE[name],
                )
            )
        elif not verified:
            findings.append(unverified_finding(f"the answer has a {name.capitalize()}", "the answer"))
    return Star(**parts), findings


_MISSING_ADVICE = {
    "situation": "Open with one sentence of context: where you were, when, and what was at stake.",
    "task": "Say outright what you were responsible for or what had to be achieved.",
    "action": "Walk through the steps you personally took, with \"I\" and concrete verbs.",
    "result": "End with how it turned out: a measurable outcome if you have one, and what you learned.",
}


def _is_offline_star_verdict(finding: Finding) -> bool:
    # The offline "No clear Result" findings are replaced by the model's judgement; the
    # measured ones (e.g. "we" actions outnumber "I" actions) stay.
    return finding.check == "star" and finding.span is None and finding.message.startswith("No clear ")


