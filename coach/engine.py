"""Choosing and running an engine: LLM when an endpoint is configured, else offline.

The LLM engine is used when OPENAI_API_KEY or OPENAI_BASE_URL is set and --offline is not
given; otherwise the offline engine, with a one-line notice saying why. Every LLM failure
falls back to the offline engine with `fallback_reason` set and a notice — never silently —
unless --no-fallback, which turns it into an `EngineError`. The first answer the LLM engine
grades says once where answers are sent (host and model), so a key left in the environment
never sends them to the cloud unannounced.

A `Grader` is built once per run and shared by a batch's threads (one HTTP client, one set
of loaded prompts, one memory of what each server supports). Nothing here imports openai or
jinja2 unless the LLM engine is actually chosen.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from coach.models import SCHEMA_VERSION, Answer, Critique
from coach.rules import offline
from coach.rules.check_settings import CheckSettings
from coach.rules.thresholds import DEFAULT_LIMITS, Limits

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Local servers (Ollama, vLLM, llama.cpp, LM Studio) want some key, not a real one.
DUMMY_API_KEY = "not-needed"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2


@dataclass(frozen=True)
class GradeOptions:
    offline: bool = False
    model: str | None = None  # None: $COACH_MODEL, else DEFAULT_MODEL
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    temperature: float = 0.0
    no_fallback: bool = False
    redact: bool = False
    prompts_dir: str | None = None
    max_tokens: int | None = None
    # Requests to the model in flight at once, across a batch's threads (None: no limit).
    max_in_flight: int | None = None
    # The configuration's `engine = "llm"`: no endpoint set is an error, not the offline engine.
    require_llm: bool = False
    # Which checks count and at what severity (--select/--ignore, the configuration).
    checks: CheckSettings = field(default_factory=CheckSettings)
    # Speaking pace and length limits (the configuration's [limits]).
    limits: Limits = DEFAULT_LIMITS


class EngineError(Exception):
    """The LLM engine failed and --no-fallback forbids the offline engine; one line."""


class ConfigError(Exception):
    """The engine cannot be set up (e.g. unusable --prompts DIR); one line."""


@dataclass(frozen=True)
class EngineChoice:
    engine: str  # "llm" | "offline"
    why: str | None  # for the notice when offline was chosen without --offline
    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None


def choose(options: GradeOptions, environ: Mapping[str, str] | None = None) -> EngineChoice:
    env = os.environ if environ is None else environ
    key = env.get("OPENAI_API_KEY") or None
    base_url = env.get("OPENAI_BASE_URL") or None
    model = options.model or env.get("COACH_MODEL") or DEFAULT_MODEL
    if options.offline:
        return EngineChoice("offline", None, base_url=base_url, model=model)
    if not key and not base_url:
        if options.require_llm:
            raise ConfigError("engine = llm is configured, but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set")
        why = "offline engine: OPENAI_API_KEY and OPENAI_BASE_URL are not set (--offline hides this note)"
        return EngineChoice("offline", why, model=model)
    return EngineChoice("llm", None, base_url=base_url, api_key=key or DUMMY_API_KEY, model=model)


def fingerprint(options: GradeOptions, environ: Mapping[str, str] | None = None) -> dict:
    """Everything besides the answer that decides a critique, for cache keys (issue 4).

    Never contains the API key. Prompt templates count by content (sha256), so editing a
    template invalidates the cache.
    """
    from coach import __version__

    choice = choose(options, environ)
    # Both engines start from the offline rules, so editing a rule invalidates both.
    common = {"schema_version": SCHEMA_VERSION, "coach_version": __version__, "rules_sha256": offline.rules_digest()}
    common |= options.checks.fingerprint()
    if options.limits != DEFAULT_LIMITS:
        common["limits"] = dataclasses.asdict(options.limits)
    if choice.engine == "offline":
        return {"engine": "offline", **common}
    from pathlib import Path

    from coach.llm.prompting import prompts_digest
    from coach.llm.schema import REVIEW_SCHEMA_VERSION

    return {
        "engine": "llm",
        "model": choice.model,
        "base_url": _normal_url(choice.base_url or DEFAULT_BASE_URL),
        "prompts_sha256": prompts_digest(Path(options.prompts_dir) if options.prompts_dir else None),
        "review_schema_version": REVIEW_SCHEMA_VERSION,
        "temperature": options.temperature,
        "redact": options.redact,
        "max_tokens": options.max_tokens,
        **common,
    }


def settings_of(fingerprint_: Mapping) -> tuple[CheckSettings, Limits]:
    """The check settings and limits a fingerprint was made with (the inverse of the part of
    `fingerprint` they add): a batch is judged, on its way back, as it was submitted."""
    return CheckSettings.from_fingerprint(fingerprint_), Limits(**fingerprint_.get("limits", {}))


def _normal_url(url: str) -> str:
    return url.rstrip("/")


Notify = Callable[[str], None]


class Grader:
    """One run's engine: `grade(answer) -> Critique`, safe to call from many threads."""

    def __init__(
        self,
        options: GradeOptions,
        *,
        environ: Mapping[str, str] | None = None,
        notify: Notify | None = None,
        announce_choice: bool = True,
    ):
        """`notify` gets one-line notices: every fallback, and (if `announce_choice`, the
        informational ones --quiet hides) where the LLM engine sends answers, or why the
        offline engine was chosen when the user did not ask for it."""
        self.options = options
        self.choice = choose(options, environ)
        self._notify = notify or (lambda message: None)
        self._critic = None
        # Said once, with the first answer graded: a run that grades nothing (bad input, or
        # every answer cached) prints only its error, and sends nothing to announce.
        self._announce_lock = threading.Lock()
        self._to_announce = self._announcement() if announce_choice else None
        # Answers graded offline without being sent, the endpoint being unreachable: said in
        # one note by `finish`, not one each.
        self._unreachable = None
        self._not_sent = 0
        self._connect_failures_noted = 0
        # Both engines start every answer with the offline critique: its models are loaded
        # here, once, before a batch's threads would all load them at the same time.
        offline.warm()
        if self.choice.engine == "llm":
            self._critic = self._llm_critic()

    @property
    def engine(self) -> str:
        return self.choice.engine

    def grade(self, answer: Answer) -> Critique:
        return self.options.checks.apply(self._graded(answer))

    def _graded(self, answer: Answer) -> Critique:
        self._announce_choice()
        if self._critic is None:
            return offline.critique(answer, self.options.limits)
        from coach.llm.failures import CannotConnect, LLMFailure, Unreachable

        try:
            return self._critic.critique(answer)
        except Unreachable as down:
            return self._graded_unsent(answer, down)
        except CannotConnect as failure:
            critique = self._fall_back(answer, str(failure), failure.usage)
            with self._announce_lock:
                self._connect_failures_noted += 1
            return critique
        except LLMFailure as failure:
            return self._fall_back(answer, str(failure), getattr(failure, "usage", None))
        except Exception as error:  # noqa: BLE001 - a bug in the LLM path must not cost the answer
            return self._fall_back(answer, f"internal error: {type(error).__name__}: {error}", None)

    __call__ = grade

    def _announce_choice(self) -> None:
        if self._to_announce is None:
            return
        with self._announce_lock:
            message, self._to_announce = self._to_announce, None
        if message:
            self._notify(message)

    def _announcement(self) -> str | None:
        """Where the LLM engine sends answers (a key left in the environment must not send
        them to the cloud unannounced), or why the offline engine was chosen unasked."""
        if self.choice.engine == "offline":
            return self.choice.why
        from coach.llm.urls import shown_host

        host = shown_host(self.choice.base_url or DEFAULT_BASE_URL)
        return f"sending answers to {host} (model {self.choice.model}); --offline keeps them on this machine"

    def request(self, answer: Answer) -> dict:
        """--dry-run: the request the LLM engine would send for this answer (where to, the
        model, the messages; never the key); sends nothing."""
        from coach.llm.prompting import PromptError
        from coach.llm.urls import post_url

        critic = self._critic or self._llm_critic()
        try:
            request = critic.request(answer)
        except PromptError as error:  # --prompts DIR without the templates of this kind of text
            raise ConfigError(str(error)) from None
        return {"source": answer.source, "url": post_url(self.choice.base_url or DEFAULT_BASE_URL), **request}

    def finish(self) -> None:
        """The run's closing note: how many answers were graded offline unsent, the endpoint
        being unreachable (one note for them all, instead of one each)."""
        from coach.wording import count_of

        with self._announce_lock:
            down, count, self._unreachable = self._unreachable, self._not_sent, None
            noted = self._connect_failures_noted
        if down is None:
            return
        others = "the other " if noted else ""
        self._notify(f"{down.url} is unreachable ({down.cause}) after {count_of(down.attempts, 'attempt')}; "
                     f"{others}{count_of(count, 'answer')} {'was' if count == 1 else 'were'} graded offline")

    def close(self) -> None:
        if self._critic is not None:
            self._critic.close()

    def _graded_unsent(self, answer: Answer, down) -> Critique:
        critique = self._fall_back(answer, str(down), down.usage, quiet=True)
        with self._announce_lock:
            self._unreachable, self._not_sent = down, self._not_sent + 1
        return critique

    def _fall_back(self, answer: Answer, reason: str, usage, *, quiet: bool = False) -> Critique:
        """`quiet`: no note of its own (`finish` sums these up)."""
        reason = " ".join(reason.split())
        critique = fallback_critique(answer, reason, usage, self.options.limits, no_fallback=self.options.no_fallback)
        if not quiet:
            self._notify(fallback_note(answer, reason))
        return critique

    def _llm_critic(self):
        return llm_critic(self.options, self.choice)


def fallback_critique(answer: Answer, reason: str, usage, limits: Limits, *, no_fallback: bool) -> Critique:
    """The offline critique of an answer the LLM engine could not grade, labelled with why (never
    silently); with --no-fallback, the EngineError instead. For the synchronous engine and for a
    batch's replies alike."""
    if no_fallback:
        raise EngineError(f"LLM engine failed: {reason}")
    return offline.critique(answer, limits).model_copy(update={"fallback_reason": reason, "usage": usage})


def fallback_note(answer: Answer, reason: str) -> str:
    return f"{answer.source}: LLM engine failed ({reason}); used the offline engine"


def llm_critic(options: GradeOptions, choice: EngineChoice):
    """The LLM engine's critic for these options and endpoint (ConfigError for unusable --prompts):
    for the synchronous engine and for the Batch API alike."""
    from coach.llm.critic import LLMCritic
    from coach.llm.endpoint import Endpoint
    from coach.llm.prompting import PromptError

    endpoint = Endpoint(
        base_url=choice.base_url,
        api_key=choice.api_key or DUMMY_API_KEY,
        model=choice.model or DEFAULT_MODEL,
        timeout=options.timeout,
        max_retries=options.max_retries,
        temperature=options.temperature,
        max_tokens=options.max_tokens,
        max_in_flight=options.max_in_flight,
    )
    try:
        return LLMCritic(endpoint, prompts_dir=options.prompts_dir, redact=options.redact, limits=options.limits)
    except PromptError as error:
        raise ConfigError(str(error)) from None
