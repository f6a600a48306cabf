"""Requests in flight at once (--jobs), and who gets the interpreter when replies come in.

A batch runs more threads than requests in flight: a thread without a slot prepares its
next answer (offline critique, prompt) while the requests are out, so a slot freed by a
reply is taken by a request that is ready to go. But the replies of a batch arrive
together, and then every thread wants the interpreter at once: the ones with a reply to
judge, the ones preparing, and the ones whose request is ready. Only the last are on the
critical path (a request sent late is a whole reply's latency late), so the others call
`let_senders_go_first` before their CPU work and wait, a few milliseconds at most, while a
slot is free for a thread that is ready or a request that has a slot is not yet sent.
"""

from __future__ import annotations

import threading

# The longest a thread's own work waits for senders: never a stall, whatever the count says.
SENDERS_FIRST_AT_MOST = 0.02


class Slots:
    def __init__(self, size: int):
        self._free = size
        self._waiting = 0  # threads ready to send, waiting for a slot
        self._unsent = 0  # threads holding a slot whose request is not yet sent
        self._changed = threading.Condition()
        self._local = threading.local()

    def __enter__(self) -> Slots:
        with self._changed:
            self._waiting += 1
            while not self._free:
                self._changed.wait()
            self._waiting -= 1
            self._free -= 1
            self._unsent += 1
            self._local.unsent = True
        return self

    def __exit__(self, *exc) -> None:
        with self._changed:
            self._mark_sent()
            self._free += 1
            self._changed.notify_all()

    def sent(self) -> None:
        """This thread's request is with the server (httpcore's trace says so)."""
        if getattr(self._local, "unsent", False):
            with self._changed:
                self._mark_sent()
                self._changed.notify_all()

    def let_senders_go_first(self) -> None:
        with self._changed:
            self._changed.wait_for(self._senders_done, SENDERS_FIRST_AT_MOST)

    def _senders_done(self) -> bool:
        return not self._unsent and not (self._waiting and self._free)

    def _mark_sent(self) -> None:
        if getattr(self._local, "unsent", False):
            self._local.unsent = False
            self._unsent -= 1
