"""A model reply built from the request itself: quotes and advice taken from the answer the
prompt carries, so coach's verification accepts it as a capable model's reply would be.
Used by bench/batch_llm.py and the batch tests, served by a real loopback HTTP server."""

from __future__ import annotations

import re

_ANSWER = re.compile(r"<answer>\n(.*)\n</answer>", re.DOTALL)


def answer_of(body: dict) -> str:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return _ANSWER.search(user).group(1)


def grounded_review(body: dict) -> dict:
    answer = answer_of(body)
    words = answer.split()
    quote = " ".join(words[: min(6, len(words))])
    tail = " ".join(words[-min(6, len(words)) :])

    def part(text: str) -> dict:
        return {"quotes": [text], "present": True, "rating": 4}

    topic = " ".join(words[:4])
    return {
        "situation": part(quote),
        "task": {"quotes": [], "present": False, "rating": 1},
        "action": part(quote),
        "result": part(tail),
        "specificity": {"reason": "Some concrete detail.", "rating": 3},
        "concision": {"reason": "Short enough to say aloud.", "rating": 4},
        "tone": {"reason": "Constructive.", "rating": 4},
        "concerns": [],
        "strengths": [f"The opening, {topic}, sets the scene."],
        "suggestions": [f"After {topic}, say what you were responsible for."],
        "rewrite": answer,
    }
