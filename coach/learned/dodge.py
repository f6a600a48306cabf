"""The dodge model's features: an answer as its first sentence, its length, and how strongly it
shows each STAR part. Shared by training (coach/train/sentences.py) and inference
(coach/learned/model.py), so both see exactly the same thing."""

from __future__ import annotations

# Feature kinds that carry what an answer says, not where it stands.
DODGE_KINDS = ("w=", "b=", "c=", "judged", "who", "i+", "we+", "modal", "past", "trait", "number", "q=")


# The STAR parts whose evidence says whether an answer tells the episode it was asked for, and
# the probability bands their best sentence falls in.
EVIDENCE_PARTS = ("situation", "task", "action", "result")
_EVIDENCE_BANDS = ((0.5, "hi"), (0.2, "mid"))


def dodge_features(sentence_features: list[set[str]], best: dict[str, float]) -> set[str]:
    """The dodge model's features: the answer's first sentence (where a dodge is said:
    "Honestly I've never really had a conflict"), its length in sentences, and how strongly it
    shows each STAR part (`best`: its best sentence's probability per part), alone and with the
    question's kind: a story question answered with no episode is the shape of a dodge. (The
    other sentences' words made the model learn the corpus's topics: out of register it held
    F1 0.59; this 0.65.)"""
    found = {f"n={min(len(sentence_features), 6)}"}
    first = sentence_features[0] if sentence_features else set()
    found.update("s1:" + f for f in first if f.startswith(DODGE_KINDS))
    question = next((f for f in first if f.startswith("q=")), "q=none")
    for part in EVIDENCE_PARTS:
        band = next((name for floor, name in _EVIDENCE_BANDS if best.get(part, 0.0) >= floor), "lo")
        found.update({f"e:{part}={band}", f"e:{part}={band}&{question}"})
    return found
