"""The batch summary: counts, mean/median, distribution, and what recurs."""

from __future__ import annotations

from coach.batch.summary import SummaryBuilder, same_story_sentence
from coach.models import Answer, InputError
from coach.rules import offline

STORY = (
    "At Northwind Logistics our warehouse scanning release slipped three weeks behind schedule. "
    "As project manager I had to ship it to forty warehouses before the peak season started. "
    "I sat down with each of the four engineers, found that flaky integration tests ate two days "
    "a week, and moved those tests to a nightly job with a daily triage rota. "
    "We shipped eight days early and the client renewed its contract for two more years."
)
RETOLD = (
    "Let me tell you about leadership. "
    "At Northwind Logistics our warehouse scanning release slipped three weeks behind schedule, "
    "and as project manager I had to ship it to forty warehouses before the peak season started. "
    "I sat down with each of the four engineers, found that flaky integration tests ate two days "
    "a week, and moved those tests to a nightly job. "
    "In the end we shipped eight days early and the client renewed its contract for two more years."
)
OTHER = (
    "In my second year at a bakery I noticed that we threw away a fifth of the bread every evening. "
    "I was asked to cut the waste without running out before closing time. "
    "I logged sales by hour for a month, baked smaller second batches after lunch, and set up a "
    "deal with a food bank for what was left. Waste fell by seventy percent within two months."
)
NO_RESULT = "So, um, I basically, like, talked to my manager about the schedule and, you know, we kind of fixed it."


def _build(texts: dict[str, str], fail_under=None, errors=()):
    builder = SummaryBuilder(fail_under)
    for source, text in texts.items():
        builder.add(text, offline.critique(Answer(text=text, source=source)))
    for source in errors:
        builder.add(None, InputError(source=source, error=f"{source}: no such file"))
    return builder.build()


def test_counts_mean_median_and_distribution_add_up():
    texts = {"a": STORY, "b": OTHER, "c": NO_RESULT}
    scores = sorted(offline.critique(Answer(text=t)).score for t in texts.values())
    summary = _build(texts, errors=["gone.txt"])
    assert (summary.answers, summary.graded, summary.failed_count) == (4, 3, 1)
    assert summary.mean == round(sum(scores) / 3, 1)
    assert summary.median == scores[1]
    assert sum(n for _, n in summary.distribution) == 3
    for band, n in summary.distribution:
        low, high = map(int, band.split("-"))
        assert n == sum(low <= s <= high for s in scores)
    assert summary.failed == [("gone.txt", "gone.txt: no such file")]


def test_median_of_an_even_count_is_the_middle_pair_average():
    builder = SummaryBuilder()
    for score in (10, 20, 30, 90):
        builder.add(None, offline.critique(Answer(text=OTHER)).model_copy(update={"score": score}))
    assert builder.build().median == 25


def test_recurring_issues_are_counted_as_sentences():
    """Counted from the critiques themselves, whichever engine made them."""
    from coach.models import Answer, Star, StarPart
    from coach.rules import offline

    with_result = Star(**{part: StarPart(present=True) for part in ("situation", "task", "action", "result")})
    without_result = with_result.model_copy(update={"result": StarPart(present=False)})
    builder = SummaryBuilder()
    for i in range(3):
        graded = offline.critique(Answer(text=NO_RESULT, source=f"r{i}"))
        builder.add(NO_RESULT, graded.model_copy(update={"score": 30, "star": without_result}))
    graded = offline.critique(Answer(text=OTHER, source="good"))
    builder.add(OTHER, graded.model_copy(update={"score": 80, "star": with_result}))
    summary = builder.build()
    assert "3 of 4 answers have no Result" in summary.recurring
    assert not any("Situation" in line for line in summary.recurring)
    fillers = dict(summary.fillers)
    assert fillers["um"] == 3 and fillers["you know"] == 3


def test_an_answer_telling_the_same_story_twice_is_found_and_others_are_not():
    summary = _build({"one.md": STORY, "two.md": OTHER, "three.md": RETOLD, "four.md": NO_RESULT})
    assert summary.same_story == [["one.md", "three.md"]]
    assert "one.md and three.md tell the same story" in "\n".join(summary.lines())


def test_distinct_stories_are_not_grouped():
    summary = _build({"a": STORY, "b": OTHER})
    assert summary.same_story == []


def test_same_story_lists_long_groups_briefly():
    assert same_story_sentence(["a", "b", "c", "d", "e", "f"]) == "a, b, c and 3 more tell the same story"


def test_fail_under_lists_the_answers_below():
    summary = _build({"weak": NO_RESULT, "good": OTHER}, fail_under=50)
    weak_score = offline.critique(Answer(text=NO_RESULT)).score
    assert weak_score < 50 <= offline.critique(Answer(text=OTHER)).score
    assert summary.below == [("weak", weak_score)]
    assert f"1 below 50: weak ({weak_score})" in "\n".join(summary.lines())


# --- issue 9 §10: the words of the summary ---------------------------------------------------


def test_missing_star_parts_are_counted_among_answers_asked_for_a_story():
    from coach.models import Star, StarPart

    no_task = Star(**{part: StarPart(present=part != "task") for part in ("situation", "task", "action", "result")})
    builder = SummaryBuilder()
    questions = ["Tell me about a time you fixed a process.", "Why are you leaving your job?", "What is your greatest weakness?"]
    for i, question in enumerate(questions):
        graded = offline.critique(Answer(text=OTHER, question=question, source=f"a{i}"))
        builder.add(OTHER, graded.model_copy(update={"star": no_task}))
    recurring = builder.build().recurring
    assert "1 of 1 answers have no Task" in recurring
    assert not any("of 3 answers have no Task" in line for line in recurring)


def test_stretched_fillers_are_counted_as_one_filler():
    builder = SummaryBuilder()
    for i, text in enumerate(["Umm so I, um, fixed it. Ummm it worked.", "Uh we, uhh, shipped it. Erm yes."]):
        builder.add(text, offline.critique(Answer(text=text, source=f"f{i}")))
    fillers = dict(builder.build().fillers)
    assert fillers["um"] == 3 and fillers["uh"] == 2 and "umm" not in fillers and "uhh" not in fillers


def test_the_same_story_list_says_how_many_groups_it_leaves_out():
    from coach.batch.summary import MAX_LISTED

    texts = {}
    for i in range(MAX_LISTED + 3):
        story = (f"At the depot number {i} the {i}th forklift kept failing on night shifts, so I logged every fault "
                 f"for {i + 2} weeks, traced it to a worn relay in unit {i}, replaced it with the supplier {i} and the "
                 f"breakdowns at depot {i} stopped completely by the end of that month.")
        texts[f"s{i}a"] = story
        texts[f"s{i}b"] = story
    summary = _build(texts)
    assert len(summary.same_story) == MAX_LISTED
    assert "- and 3 more groups of answers that tell the same story" in summary.lines()


def test_a_batch_of_one_failed_answer_says_answer_not_answers():
    from coach.models import InputError

    builder = SummaryBuilder()
    builder.add(None, InputError(source="x.md", error="x.md: the answer is empty"))
    assert builder.build().headline() == "1 answer, none graded"
