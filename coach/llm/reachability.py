"""Whether the endpoint can be reached at all, learned from every connection attempt of a run.

A batch against a server that is down stops sending once UNREACHABLE_AFTER attempts in a row
have failed, instead of trying (and retrying) every answer. The synchronous client
(coach.llm.client) feeds `Reachability` from httpx's event hooks and follows each attempt
through httpcore's trace with an `Attempt`; it raises `Unreachable` (coach.llm.failures) for
what it no longer sends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from coach.llm.failures import unreachable_cause
from coach.llm.response_modes import PROBE_GRACE

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
# The step after which the request is with the server: a dead endpoint fails before it.
_SENT = "send_request_body"


class Reachability:
    """Whether the endpoint answers at all, learned from every connection attempt of the run.

    A batch against a server that was down used to try (and retry) every answer, printing
    the same note each time. Failures are counted per attempt across threads; after
    UNREACHABLE_AFTER in a row `down` is true and nothing more is sent. Any HTTP response,
    an error status too, shows the server is there and resets the count.

    Until a response has shown the server is there (at the start, and after a failure),
    one attempt at a time probes it and the others wait for it at most PROBE_GRACE: the
    reasoning of the response-mode probe (coach.llm.response_modes) again. A server that is
    down says so at once (refused, unknown host, reset), before the request is sent; one
    that is up takes it, and the probe ends there, not after the model's latency. So a batch
    of any --jobs against a dead port makes about UNREACHABLE_AFTER attempts, not one per
    job, and a live server costs the batch no wait of its own (the response-mode probe's
    grace already holds the first wave back).
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


class Attempt:
    """One attempt (each SDK retry is a new one), followed through httpcore's trace.

    It tells `reach` when it failed before the server said anything, once however many of
    its steps failed (a write that fails is followed by a read that fails too). It gives the
    probe back once the request is sent (the server took it: the waiting attempts may go),
    or at its first failed step, or when it ends.
    """

    def __init__(self, reach: Reachability, *, probe: bool, on_sent: Callable[[], None] = lambda: None):
        self.reach = reach
        self.probe = probe
        self.on_sent = on_sent
        self.ended = False

    def __call__(self, event: str, info: dict) -> None:
        step, _, outcome = event.rpartition(".")
        step = step.rpartition(".")[2]
        if step == _SENT and outcome == "complete":
            self._release_probe()
            self.on_sent()
        if self.ended or not (outcome == "failed" or (step == "receive_response_headers" and outcome == "complete")):
            return
        error = info.get("exception")
        if outcome == "failed" and step in _BEFORE_A_RESPONSE and type(error).__name__ not in _SLOW_NOT_DOWN:
            self.reach.failed(unreachable_cause(error))
        self.end()

    def end(self) -> None:
        self.ended = True
        self._release_probe()

    def _release_probe(self) -> None:
        if self.probe:
            self.probe = False
            self.reach.release()
