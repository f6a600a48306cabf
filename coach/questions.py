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


# What kind of non-story question it is, by the interviewer's usual phrasing: checked in order,
# the first that matches wins. Measured on our two labelled sets of questions (the bank and the
# training corpus): when these claim a type it is right 96% of the time; unmatched is "other".
_TYPES = (
    ("questions_for_us", r"\b(?:any|have\s+you\s+got\s+any|do\s+you\s+have\s+any)\s+questions\b|\bquestions?\s+(?:for|from)\s+(?:us|me|your\s+side)\b|\b(?:like|want|wish)\s+to\s+ask\b|\banything\s+(?:you(?:'d| would)?\s+(?:like|want)\s+to\s+ask|to\s+ask)\b"),
    ("why_leaving", r"\bwhy\b.{0,40}\b(?:leav(?:e|ing)|left|quit|looking\s+(?:for\s+(?:work|a\s+new)|to\s+(?:leave|move))|let\s+go|fired|move\s+on|moving\s+on|change\s+jobs?)\b|\breason\s+for\s+leaving\b"),
    ("weakness", r"\bweakness(?:es)?\b|\barea(?:s)?\s+(?:you\s+)?(?:need|want|would\s+like)\s+to\s+(?:develop|improve|work\s+on)\b|\bdo\s+better\b"),
    ("strength", r"\bstrengths?\b|\bstrongest\s+(?:skill|quality|point)\b|\bbest\s+(?:quality|skill)\b"),
    ("why_hire", r"\bwhy\s+should\s+(?:we|i)\s+hire\b|\bright\s+(?:person|candidate|fit)\b|\bwhat\s+(?:would|can|do)\s+you\s+bring\b|\bset\s+you\s+apart\b"),
    ("why_us", r"\bwhy\b.{0,30}\b(?:work|join|apply|applied|interested)\b.{0,30}\b(?:us|here|our|this|the\s+(?:company|role|job|position))\b|\bwhy\s+(?:this|our)\s+(?:company|role|job|team|firm)\b|\bwhat\s+(?:attracts|attracted|interests)\s+you\b"),
    ("about_yourself", r"\b(?:tell|talk)\s+(?:me|us)\s+(?:a\s+(?:bit|little)\s+)?about\s+yourself\b|\bwalk\s+(?:me|us)\s+through\s+your\s+(?:background|cv|resume|career)\b|\btelling\s+us\s+(?:a\s+bit\s+)?about\s+yourself\b|\bintroduce\s+yourself\b"),
)
_TYPE_PATTERNS = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _TYPES)


def question_type(question: str | None) -> str | None:
    """The kind of question, in the bank's types: "story" for a past episode, a non-story type
    by its phrasing, "other" when none fits; None when no question is given."""
    if question is None or not question.strip():
        return None
    if _ASKS_FOR_STORY.search(question):
        return "story"
    return next((name for name, pattern in _TYPE_PATTERNS if pattern.search(question)), "other")
