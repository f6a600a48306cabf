"""The two response formats a reply can be asked for (json_schema, or JSON-object mode for
servers that do not know it), and the run's memory of which one each base URL accepts.

The critic (coach.llm.critic) decides the mode of each request from this memory, and the
request body for a mode is built by coach.llm.completions. The memory lives for the process:
one `coach` run talks to one server, so what it said once holds for the whole batch.
"""

from __future__ import annotations

import threading

JSON_SCHEMA = "json_schema"
JSON_OBJECT = "json_object"

# How long gradings wait for the first request's verdict on json_schema (see _ModeMemory).
PROBE_GRACE = 0.05


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
