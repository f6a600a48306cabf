"""Synthetic interview answers for the benches: varied stories from a fixed seed, so every
run grades the same text. Not for tests of quality: only for speed and memory."""

from __future__ import annotations

import json
import random

_SITUATIONS = [
    "Last spring at a logistics firm our {thing} was {n} weeks behind schedule.",
    "In my second year at a bakery we threw away a fifth of the {thing} every evening.",
    "At my previous company the {thing} failed about {n} times a month.",
    "When I joined the support team, customers waited {n} days for a reply about the {thing}.",
    "So, um, basically the {thing} was, like, a mess when I got there.",
]
_TASKS = [
    "As the project manager, my job was to fix the {thing} before the peak season.",
    "I was asked to cut the waste without running out before closing time.",
    "My task was to get the {thing} back under control within a quarter.",
    "",
]
_ACTIONS = [
    "I sat down with each of the {n} engineers and found where the time was going.",
    "I logged sales by hour for a month and baked smaller second batches after lunch.",
    "I wrote a runbook, set up alerts, and paired with the on-call engineer for {n} weeks.",
    "We worked really hard as a team and did a lot of things to make it better.",
    "My manager was useless, so I, you know, kind of did everything myself.",
]
_RESULTS = [
    "We shipped {n} days early and the client renewed its contract for two more years.",
    "Waste fell by {n} percent within two months.",
    "Reply times dropped from {n} days to four hours, and satisfaction rose by 20%.",
    "In the end everyone was happy with the results.",
    "",
]
_THINGS = ["release", "billing report", "nightly import", "checkout page", "bread", "ticket queue", "data pipeline"]


def answer(rng: random.Random) -> str:
    parts = [rng.choice(group) for group in (_SITUATIONS, _TASKS, _ACTIONS, _ACTIONS, _RESULTS)]
    text = " ".join(p for p in parts if p)
    return text.format(thing=rng.choice(_THINGS), n=rng.randint(2, 60))


def write_jsonl(path, count: int, seed: int = 4) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"id": f"a{i:05d}", "answer": answer(rng)}) + "\n")
