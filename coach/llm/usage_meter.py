"""What one grading cost: the tokens the server reported and the HTTP requests sent for it
(the SDK's retries included), for the critique's `usage` and a batch's totals."""

from __future__ import annotations

from coach.models import Usage


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
