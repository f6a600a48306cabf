"""Off-topic: an answer that drifts into private life (weekends, food, pets, family) instead of
answering. Which words are personal is coach/data/checks/off-topic.yaml; the share is thresholds.OFF_TOPIC_SHARE.
The rambling check reads this verdict (drifting is rambling too: it rates concision)."""

from __future__ import annotations

from coach.checks.base import Check, Outcome
from coach.models import Finding
from coach.rules import thresholds as t
from coach.rules import topics
from coach.rules.text import Document, per_document

ID = "off-topic"


@per_document
def run(document: Document) -> Outcome:
    if not document.sentences or topics.off_topic_share(document.sentences) < t.OFF_TOPIC_SHARE:
        return Outcome()
    personal = next(s for s in document.sentences if topics.is_personal(s))
    finding = Finding(
        check=ID,
        severity="problem",
        message="The answer drifts into private life instead of answering the question.",
        span=document.sentence_span(personal),
        suggestion="Answer with an example from work, study or volunteering; keep private life out.",
    )
    return Outcome(findings=[finding], flagged=True)


CHECK = Check(
    id=ID,
    description="Answers that drift into private life (weekends, food, pets, family) instead of work.",
    run=run,
    must_flag=(
        "On weekends I relax with my dog and watch movies. My family loves pizza night.",
        "I love cooking pasta for dinner. My cat sleeps on the sofa while I watch TV.",
    ),
    must_pass=(
        "I led the migration and we cut hosting costs by 30%.",
        "Last year at the bakery I rebuilt the ordering sheet and waste dropped by a third.",
    ),
)
