"""The offline engine's fast paths find exactly what the plain scans find.

The quantity scan tries its patterns only where a match can start (`_OPENING_WORDS`), and the
phrase lists match case-sensitively in lowered text: both are speed-ups whose results must not
differ from the plain `finditer`, on every sentence of our corpus and on the hard cases of case
folding. A new alternative added to a quantity pattern without its first word in
`_OPENING_WORDS` fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

from coach.checks import specificity
from coach.rules.text import Phrases, compile_phrases, lowered

CORPUS = Path(__file__).resolve().parent.parent / "training" / "answers"
AWKWARD = ["İstanbul office of 12", "I hired ſix", "ıt took THREE WEEKS", "Kelvin K 40%", "µ of 5", "A TEAM OF FOUR",
           "cut costs by half", "within 2 days", "doubled sales", "$5k", "twenty-five people", "one or two things"]


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts += [s["text"] for s in json.loads(line)["sentences"]]
    return texts + AWKWARD + [t.upper() for t in AWKWARD]


def plain_quantity_spans(text: str) -> list[tuple[int, int]]:
    excluded = [m.span() for p in (specificity._NOT_QUANTITY, specificity._CODE_NUMBER) for m in p.finditer(text)]
    return [m.span() for m in specificity._QUANTITY.finditer(text) if not any(s <= m.start() < e for s, e in excluded)]


def test_the_quantity_scan_finds_what_the_plain_scan_finds():
    texts = corpus_texts()
    assert len(texts) > 5000
    differing = [t for t in texts if specificity.quantity_spans(t) != plain_quantity_spans(t)]
    assert differing == []
    assert sum(bool(plain_quantity_spans(t)) for t in texts) > 500  # the comparison saw many quantities


def test_phrases_find_what_the_regex_finds():
    words = ["a lot", "kind of", "you know", "i mean", "lots of", "idiot", "so-called", "etc"]
    fast, plain = Phrases(words), compile_phrases(words)
    for text in corpus_texts():
        assert [m.span() for m in fast.finditer(text, lowered(text))] == [m.span() for m in plain.finditer(text)], text
