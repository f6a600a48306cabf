"""STAR structure: which of Situation, Task, Action and Result the answer contains.

Each part is found sentence by sentence by the learned sentence models (coach/learned: trained
on our corpus in training/, measured by bench/quality.py), and keeps the sentences that show
it with the cues that weighed most. Two crisp cues stay rules: an answer written in labelled
form ("S: …", "Task: …"), and a responsibility stated outright ("my job was to…", "I had
to…"), which also counts as a Task. Which verbs are not actions is data
(coach/data/checks/star.yaml). It rates situation, task, action and result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from coach.checks import negativity
from coach.checks.base import Check, Outcome, entries, outcome_of
from coach.checks.specificity import quantity_spans
from coach.models import STAR_PARTS, Finding, Span, Star, StarPart
from coach.rules.questions import asks_for_story
from coach.rules.text import Document, is_past, per_document

_I = r"(?:i|i've|i'd)"
# Matched loosely and checked in Python (`_is_action_verb`): a regex alternation of every
# irregular verb costs tens of milliseconds to compile at each start.
_VERB = r"[a-z]+"
ID = "star"


@cache
def _not_actions() -> frozenset[str]:
    """Verbs that say what the candidate felt, saw or was, not what they did."""
    return frozenset(entries(ID, "not_actions"))

# "S: …", "Task: …", "- R: …": answers written in labelled STAR form.
_LABELLED_PART = re.compile(r"^\W{0,3}(situation|task|action|result|s|t|a|r)\s*[:\-–]\s", re.IGNORECASE)
_LABEL_TO_PART = {"s": "situation", "t": "task", "a": "action", "r": "result"}

_TASK_RE = re.compile(
    r"""(?x)
    \b(?:my|our|the)\s+(?:job|task|role|goal|aim|objective|mission|responsibility|assignment|brief|challenge|instructions?|mandate)\s+(?:as\s+[\w\s-]{1,40}?\s+)?(?:was|were|is)\b(?!\s+(?:a\s+)?(?:very\s+|really\s+|pretty\s+|quite\s+|so\s+)?(?:great|good|fine|ok|okay|nice|fun|boring|hard|difficult|easy|stressful|amazing|awesome|terrible|bad|interesting|rewarding|demanding|exhausting|well\s+paid|secure|stable)\b)
    | \b(?:i|we)\s+(?:was|were)\s+(?:asked|assigned|tasked|charged|responsible|expected|told|given|in\ charge|hired|brought\ in)\s+(?:to|with|for)\b
    | \b(?:i|we)\s+(?:needed|had|wanted|set\ out|aimed)\s+to\s+(?!be\b)
    | \bit\s+was\s+(?:my|up\ to\ me|on\ me)\b
    | \b(?:i|we)\s+(?:was|were)\s+(?:responsible|in\ charge|accountable)\b
    | \b(?:i|we)\s+had\s+(?:about|only|just|less\ than|under)?\s*(?:a|an|one|two|three|four|five|six|\d+)\s+(?:days?|weeks?|months?|hours?)\s+to\b
    | \bthe\s+(?:goal|aim|objective|target|deadline)\s+was\b
    | \bso\s+that\s+(?:we|i)\s+could\b
    """
)

_I_VERB_RE = re.compile(
    rf"""(?x)
    \bi\s+(?:also\s+|then\s+|first\s+|quickly\s+|personally\s+|immediately\s+|eventually\s+|finally\s+|even\s+|actually\s+|just\s+)?
        (?P<verb>{_VERB})\b
    """
)
_ACTION_PHRASE_RE = re.compile(
    r"""(?x)
    \b(?:i|i've)\s+(?:have\s+)?(?:taken|started|begun|made|built|created|set\ up|completed)\s+
    | \bmy\s+(?:efforts?|attempts?)\s+to\b
    | \bi\s+(?:am|'m)\s+(?:working|taking|studying|learning|practicing|practising)\s+on?\b
    | \b(?:i\s+)?(?:decided|chose|offered|volunteered|proposed|suggested)\s+to\b
    | \b(?:my\s+(?:approach|solution|first\ step|plan)\s+was)\b
    """
)

_WE_ACTION_RE = re.compile(rf"\bwe\s+(?:also\s+|then\s+)?(?P<verb>{_VERB})\b")


@dataclass
class StarOutcome(Outcome):
    star: Star = field(default_factory=Star)
    i_actions: int = 0
    we_actions: int = 0

    def ratings(self) -> dict[str, int]:
        return {name: part.rating for name, part in self.star.parts()}

    def strengths(self, document: Document) -> list[tuple[str, str]]:
        # A sentence that badmouths someone is never quoted as a strength.
        negative = {f.span.start for f in outcome_of(negativity, document).findings if f.span}
        found = []
        for name, part in self.star.parts():
            evidence = [span for span in part.evidence if span.start not in negative]
            if evidence and part.rating >= 4:
                found.append((name, f'Clear {name}: "{_clip(evidence[0].text)}"'))
        return found

    def report(self) -> dict:
        return {"star": self.star}


def _clip(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@per_document
def run(document: Document) -> StarOutcome:
    from coach.learned.decide import star_evidence

    found = star_evidence(document)
    labelled = _labelled_parts(document)
    chosen: dict[str, dict[int, str]] = {}  # part -> sentence index -> why
    for part in STAR_PARTS:
        if labelled:
            chosen[part] = {i: "labelled as such" for i, name in labelled.items() if name == part}
        else:
            chosen[part] = {e.index: _why(e.reasons) for e in found[part]}
    if not labelled:
        for index, sentence in enumerate(document.sentences):
            if _TASK_RE.search(sentence.lower):
                chosen["task"].setdefault(index, "a responsibility stated outright")
    star = Star(**{part: _part(document, chosen[part]) for part in STAR_PARTS})
    action_sentences = [document.sentences[i] for i in sorted(chosen["action"])]
    i_actions = sum(_count_verbs(s.lower) for s in action_sentences if _has_real_action(s.lower))
    we_actions = sum(_we_actions(s.lower) for s in document.sentences)
    story_required = asks_for_story(document.question)
    # An action sentence told without a past-tense "I" verb ("Every week I check…") still counts once.
    _rate(star, max(i_actions, len(action_sentences)), we_actions)
    outcome = StarOutcome(star=star, i_actions=i_actions, we_actions=we_actions)
    outcome.findings = _findings(star, i_actions, we_actions, document, story_required)
    outcome.flagged = not (star.situation.present and star.action.present and star.result.present)
    return outcome


def _labelled_parts(document: Document) -> dict[int, str]:
    """Sentences written in labelled STAR form ("S: …", "Result: …"): the label decides."""
    parts = {}
    for index, sentence in enumerate(document.sentences):
        match = _LABELLED_PART.match(sentence.text)
        if match:
            name = match.group(1).lower()
            parts[index] = _LABEL_TO_PART.get(name, name)
    return parts


def _part(document: Document, chosen: dict[int, str]) -> StarPart:
    order = sorted(chosen)
    spans = [document.sentence_span(document.sentences[i]) for i in order]
    return StarPart(present=bool(spans), evidence=spans, why=chosen[order[0]] if order else None)


def _why(reasons: tuple[str, ...]) -> str:
    return "cues: " + ", ".join(reasons) if reasons else "the sentence as a whole"


def _has_real_action(lower: str) -> bool:
    return _count_actions(lower, _I_VERB_RE) > 0 or bool(_ACTION_PHRASE_RE.search(lower))


def _is_action_verb(word: str) -> bool:
    return word not in _not_actions() and is_past(word)


_VERB_RE = re.compile(rf"(?<!\bwas )(?<!\bwere )(?<!\bbeen )\b(?P<verb>{_VERB})\b")


def _count_verbs(lower: str) -> int:
    """Actions in a sentence told with "I": "I negotiated…, split… and set up…" is three."""
    return max(1, _count_actions(lower, _VERB_RE))


def _count_actions(lower: str, pattern: re.Pattern[str]) -> int:
    return sum(1 for m in pattern.finditer(lower) if _is_action_verb(m.group("verb")))


def _we_actions(lower: str) -> int:
    # Most sentences have no "we" at all, which the scan cannot match without.
    return _count_actions(lower, _WE_ACTION_RE) if "we" in lower else 0


def _rate(star: Star, i_actions: int, we_actions: int) -> None:
    """Anchored 1-5 ratings (docs/rubric.md): 1 missing, 3 thin, 4 clear, 5 clear and concrete."""
    for _, part in star.parts():
        sentences = len(part.evidence)
        part.rating = 1 if not sentences else (5 if sentences >= 2 else 4)
    if star.action.present:
        star.action.rating = 5 if i_actions >= 3 else 4 if i_actions == 2 else 3
        if we_actions > i_actions:
            star.action.rating -= 1
    if star.result.present:
        concrete = any(quantity_spans(span.text) for span in star.result.evidence)
        star.result.rating = 5 if concrete else 4 if len(star.result.evidence) >= 2 else 3


_MISSING_ADVICE = {
    "situation": "Open with one sentence of context: where you were, when, and what was going on.",
    "task": "Say outright what you were responsible for or what had to be achieved (\"My job was to…\").",
    "action": "Walk through the steps you personally took, with \"I\" and concrete verbs.",
    "result": "End with how it turned out: a measurable outcome if you have one, and what you learned.",
}


def _findings(star: Star, i_actions: int, we_actions: int, document: Document, story_required: bool) -> list[Finding]:
    findings = [] if story_required else _story_optional_findings(star)
    for name, part in star.parts():
        if not part.present and story_required:
            severity = "warning" if name in ("task", "situation") else "problem"
            findings.append(
                Finding(
                    check=ID,
                    severity=severity,
                    message=f"No clear {name.capitalize()} in the answer.",
                    suggestion=_MISSING_ADVICE[name],
                )
            )
    if we_actions > i_actions and we_actions >= 2:
        findings.append(
            Finding(
                check=ID,
                severity="warning",
                message=f'Actions are told as "we" ({we_actions}) more than "I" ({i_actions}): your own part is unclear.',
                span=_first_we_span(document),
                suggestion='Say what you did yourself: "I proposed…", "I built…", then credit the team.',
            )
        )
    return findings


def _story_optional_findings(star: Star) -> list[Finding]:
    """A question that asks for no story ("Why are you leaving?") is not marked down per part."""
    if star.action.present and star.result.present:
        return []
    return [
        Finding(
            check=ID,
            severity="info",
            message="No example backs this answer up.",
            suggestion="Add one short example: what you did and how it turned out.",
        )
    ]


def _first_we_span(document: Document) -> Span | None:
    for sentence in document.sentences:
        if _we_actions(sentence.lower):
            return document.sentence_span(sentence)
    return None


CHECK = Check(
    id=ID,
    description="Situation, Task, Action and Result, each with the sentences that show it.",
    run=run,
    must_flag=(
        "We had a project once. It was hard.",
        "I am a hard worker and I like people.",
        "Last spring our warehouse kept running out of stock. I rebuilt the reorder sheet.",
    ),
    must_pass=(
        "Last spring at my previous company our release was three weeks behind. My job was to get "
        "it back on track. I split the backlog and paired with the two slowest teams. We shipped on "
        "time and cut open bugs by 40%.",
        "When I was at a small bakery, the owner asked me to fix our ordering. I built a simple "
        "spreadsheet. As a result, waste dropped noticeably.",
    ),
)
