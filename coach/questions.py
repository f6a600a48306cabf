"""What kind of question an answer responds to."""

from __future__ import annotations

import re

# "Tell me about a time…", "Describe a situation…", "Give an example…": the question asks
# for a past episode, so the answer should be a STAR story.
_ASKS_FOR_STORY = re.compile(
    r"""(?xi)
    \b(?:tell|talk)\s+(?:me|us)\s+about\s+(?:a|an|the|one)\s+(?:time|situation|occasion|moment|project|challenge|instance|example|conflict|mistake|decision|problem)
    | \b(?:describe|share|recall|walk\s+(?:me|us)\s+through)\s+(?:a|an|the|one|your)\b
    | \b(?:give|share)\s+(?:me\s+|us\s+)?(?:an?|one)\s+example
    | \ba\s+time\s+(?:when|where|that|you)\b
    | \bhave\s+you\s+ever\b
    | \bwhat\s+(?:did|was)\s+(?:you|your)\b.*\b(?:do|handle|approach|learn|role|result|outcome)\b
    | \bhow\s+did\s+you\b
    | \bcan\s+you\s+(?:share|provide|describe|give)\b
    | \b(?:your\s+)?(?:most|biggest|greatest|hardest|proudest)\s+(?:impactful|interesting|difficult|challenging)?\s*(?:project|achievement|accomplishment|failure|mistake|challenge)\b
    """
)


def asks_for_story(question: str | None) -> bool:
    """True unless a question is given and it does not ask for a past episode."""
    return question is None or not question.strip() or bool(_ASKS_FOR_STORY.search(question))
