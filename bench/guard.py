"""What the LLM quality guard keeps of honest replies and rejects of junk ones.

    python bench/guard.py

tests/fixtures/replies/honest.jsonl holds replies written the way a capable model (gpt-4o-mini
class) honestly answers our prompt for answers of our own; junk.jsonl what small models reply
(invented quotes, the answer echoed back, generic advice, advice in the candidate's voice,
invented numbers, pasted rewrites, the wrong language, praise of events not in the answer).
Each reply goes through the same assembly as a live one (coach.llm.critic.assemble: quote
verification, the guard, the junk verdict). Prints the share of honest items kept and of junk
replies that fall back, per kind.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reply_corpus import ITEM_KINDS, JUNK_ITEMS, junk_rejected, load, run  # noqa: E402


def main() -> int:
    honest = [run(row) for row in load("honest.jsonl")]
    junk = [run(row) for row in load("junk.jsonl")]
    given, kept = Counter(), Counter()
    for o in honest:
        given.update(o.given)
        kept.update(o.kept)
    print(f"honest replies: {len(honest)}, fell back: {sum(1 for o in honest if o.fell_back)}")
    for kind in ITEM_KINDS:
        share = kept[kind] / given[kind] if given[kind] else 1.0
        print(f"  {kind:12} kept {kept[kind]:3} of {given[kind]:3}  ({share:.0%})")
    total = sum(kept.values()) / max(1, sum(given.values()))
    print(f"  {'all items':12} kept {sum(kept.values()):3} of {sum(given.values()):3}  ({total:.0%})")
    for o in honest:
        if o.fell_back:
            print(f"    fell back: {o.id}: {o.fell_back}")
        for kind, text in o.dropped:
            print(f"    dropped {kind} of {o.id}: {text[:110]}")
    rejected, given_junk = Counter(), Counter()
    for o in junk:
        r, g = junk_rejected(o)
        rejected[o.kind] += r
        given_junk[o.kind] += g
    total_r, total_g = sum(rejected.values()), sum(given_junk.values())
    print(f"\njunk replies: {len(junk)}; junk items rejected {total_r} of {total_g} ({total_r / max(1, total_g):.0%})")
    for kind in sorted(given_junk):
        whole = " (whole replies: must fall back)" if JUNK_ITEMS[kind] is None else ""
        print(f"  {kind:18} {rejected[kind]:3} of {given_junk[kind]:3}{whole}")
    for o in junk:
        r, g = junk_rejected(o)
        if r < g:
            print(f"    let through: {o.id} ({o.kind}): {g - r} of {g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
