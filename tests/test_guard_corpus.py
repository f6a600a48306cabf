"""The quality guard on a corpus of replies (issue 11 §1): what a capable model honestly says
is kept, what small models say is rejected. Figures: python bench/guard.py."""

from __future__ import annotations

from tests import reply_corpus as corpus


def test_honest_replies_keep_nearly_all_their_items_and_none_falls_back():
    outcomes = [corpus.run(row) for row in corpus.load("honest.jsonl")]
    assert len(outcomes) >= 30
    assert not [o.id for o in outcomes if o.fell_back]
    given = sum(sum(o.given.values()) for o in outcomes)
    kept = sum(sum(o.kept.values()) for o in outcomes)
    assert kept >= 0.95 * given, [(o.id, o.dropped) for o in outcomes if o.dropped]


def test_junk_items_are_rejected_and_junk_as_a_whole_falls_back():
    outcomes = [corpus.run(row) for row in corpus.load("junk.jsonl")]
    rejected = given = 0
    for o in outcomes:
        r, g = corpus.junk_rejected(o)
        rejected, given = rejected + r, given + g
        if corpus.JUNK_ITEMS[o.kind] is None:
            assert o.fell_back, o.id
    assert rejected >= 0.95 * given


def test_a_template_rewrite_is_kept_and_marked_as_a_template():
    from coach.llm.critic import assemble
    from coach.llm.schema import Review
    from coach.models import Answer, Usage
    from coach.rules import offline

    dodge = next(row for row in corpus.load("honest.jsonl") if row["kind"] == "dodge")
    answer = Answer(text=dodge["answer"], question=dodge["question"])
    critique = assemble(answer, offline.critique(answer), Review.model_validate(dodge["reply"]), model="m", usage=Usage())
    assert critique.rewrite and "[" in critique.rewrite and critique.rewrite_is_template
