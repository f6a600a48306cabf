"""STAR structure: which of Situation, Task, Action and Result the answer contains.

Candidates rarely say "the situation was"; they open with "At my previous company…",
"Last spring…", "When I was at…". So each part is recognised by the cues a spoken story
actually uses, sentence by sentence, and each part keeps the sentences that show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach import topics
from coach.checks import Check, Outcome
from coach.checks.specificity import quantity_spans
from coach.questions import asks_for_story
from coach.models import STAR_PARTS, Finding, Span, Star, StarPart
from coach.text import Document, Sentence

_I = r"(?:i|i've|i'd)"
_IRREGULAR_PAST = """began bought brought broke built came caught chose cut dealt did drew drove dug fed fought
found gave got grew held hid hit kept knew laid led left lent let made meant met overcame oversaw
paid put quit ran rang read rebuilt redid rewrote rode rose said sat saw sent set shook shot shut
sold sought spent split spoke spun stood struck stuck swam swept taught thought threw told took
understood undertook went won wound wrote""".split()
_IRREGULAR_PAST_SET = frozenset(_IRREGULAR_PAST)
# Matched loosely and checked in Python (`_is_action_verb`): a regex alternation of every
# irregular verb costs tens of milliseconds to compile at each start.
_VERB = r"[a-z]+"
# Verbs that say what the candidate felt, saw or was, not what they did.
_NOT_ACTIONS = frozenset(
    """was were had felt thought believed realized realised learned learnt loved liked hated
    wanted wished hoped noticed knew understood meant found heard saw used enjoyed disliked
    expected hesitated regretted worried struggled appreciated respected admired dated watched
    needed preferred agreed disagreed failed missed lost forgot got kept worked ended grew
    left quit""".split()
)
# "S: …", "Task: …", "- R: …": answers written in labelled STAR form.
_LABELLED_PART = re.compile(r"^\W{0,3}(situation|task|action|result|s|t|a|r)\s*[:\-–]\s", re.IGNORECASE)
_LABEL_TO_PART = {"s": "situation", "t": "task", "a": "action", "r": "result"}

_SITUATION_RE = re.compile(
    r"""(?x)
    \b(?:at|in|during|with|from)\s+(?:my|our|a|the)\s+(?:last|previous|former|prior|current|first|old|final|second|third|recent|summer)?\s*
        (?:job|company|role|position|internship|employer|workplace|team|firm|agency|startup|start-up|store|restaurant|school|university|college|project|year|semester|placement|office|shop|hospital|bank|practice|organi[sz]ation|department)\b
    | \b(?:when|while|whilst)\s+(?:i|we)\s+(?:was|were|worked|interned|started|joined|led|ran|managed)\b
    | \b(?:while|whilst)\s+(?:working|interning|studying|at|on|leading|managing)\b
    | \b(?:last|this\ past|one|a\ few|two|three|several|earlier\ this)\s+(?:spring|summer|autumn|fall|winter|year|month|quarter|week|semester|time|day|years|months)\b
    | \b(?:years?|months?|weeks?)\s+ago\b
    | \bin\s+(?:19|20)\d\d\b
    | \b(?:once|recently|previously|back\ then|at\ the\ time)\b
    | \b(?:i|we)\s+(?:was|were)\s+(?:working|employed|hired|brought\ in|part\ of|on\ a|new|assigned|responsible|leading|asked)\b
    | \b(?:i|we)\s+(?:worked|interned|joined|started)\s+(?:as|at|in|on|for|with)\b
    | \bthere\s+(?:was|were)\b
    | \b(?:my|our|the)\s+(?:last|previous|former|old|current)?\s*(?:boss|manager|supervisor|employer|company|team|client|customer|colleague|coworker|co-worker|teammate|project|mentor|department|job)\s+(?:was|were|had|asked|wanted|decided|fired|changed|is|has)\b
    | \b(?:a|one|two)\s+(?:colleague|coworker|co-worker|client|customer|teammate|member|manager|stakeholder)s?\s+(?:and\ i\s+)?(?:was|were|had|disagreed|complained|asked|wanted|kept|came)\b
    | \bwe\s+(?:had|ran\ into|faced|were|disagreed|struggled|noticed|lost|missed)\b
    | \b(?:i|we)\s+(?:had|faced|ran\ into|noticed|inherited|discovered)\s+(?:a|an|some|two|three|trouble|problems?|issues?)\b
    | \b(?:i|we)\s+noticed\b
    | \b(?:i|we)\s+(?:was|were)\s+(?:thrown|put|placed|moved|transferred|promoted|new|the\ only|one\ of)\b
    | \b(?:my|our)\s+(?:boss|manager|supervisor|colleague|coworker|co-worker|teammate|client|mentor|lead)\s+and\s+i\b
    | \b(?:i|we)\s+was\s+let\s+go\b | \b(?:fired|laid\ off|let\ go|terminated|displaced)\b
    | \bthe\s+(?:project|deadline|client|team|company|launch|system|product|situation|business|store)\s+(?:was|were|had)\b
    """
)

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

_RESULT_RE = re.compile(
    r"""(?x)
    \b(?:as\ a\ result|in\ the\ end|in\ the\ long\ run|ultimately|eventually|at\ the\ end|by\ the\ end|since\ then|from\ then\ on|afterwards|after\ (?:that|rollout|launch)|the\ outcome|the\ result|end\ result|thanks\ to|going\ forward|looking\ back)\b
    | \b(?:ended\ up|resulted\ in|led\ to|leading\ to|which\ meant|turned\ out|paid\ off|worked\ out|this\ (?:helped|meant|improved|reduced|cut|saved|made|gave|allowed|taught|showed|experience))\b
    | \b(?:increased|decreased|reduced|improved|cut|saved|raised|boosted|grew(?!\s+up)|doubled|tripled|halved|lowered|won|exceeded|beat|achieved|delivered|launched|shipped|closed|secured|retained|recovered|resolved|solved|fixed|completed|finished|signed|renewed|promoted|recognized|recognised|praised|thanked|adopted)\b
    | \b(?:was|were|got)\s+(?:fixed|finished|completed|resolved|solved|delivered|launched|adopted|approved|promoted|praised|recognized|recognised|rolled\ out|back\ on\ track|on\ time|a\ success|successful)\b
    | \b(?:loved|appreciated|agreed|thanked|renewed|stayed|returned|came\ back|kept\ (?:his|her|their)\ business)\b
    | \b(?:managed|was\ able|were\ able)\s+to\b
    | \b(?:fell|dropped|rose|climbed|declined|jumped|shrank|grew|went\ (?:up|down))\s+(?:to|by|from)\b
    | \bit\s+(?:helped|worked|went|made)\b
    | \b(?:i|i've)\s+(?:have\s+)?(?:made|seen|grown|become|improved|learned|learnt)\b.*\b(?:progress|better|improv|stronger|more\ valuable|since)\w*
    | \b(?:i|we)\s+(?:grew(?!\s+up)|learned|learnt|realized|realised)\b
    | \b(?:taught\ me|showed\ me|made\ me\ a\ better)\b
    | \bthe\s+(?:client|customer|team|manager|boss|project|feature|bug|change|process|deal)\s+(?:was|were|loved|agreed|stayed|signed|asked|went|is|became)\b
    | \b(?:no\ clear\ decision|moved\ on|compromised|lingered|fell\ through|failed|didn't\ work|did\ not\ work)\b
    """
)

_WE_ACTION_RE = re.compile(rf"\bwe\s+(?:also\s+|then\s+)?(?P<verb>{_VERB})\b")
_CUES = {"situation": _SITUATION_RE, "task": _TASK_RE, "result": _RESULT_RE}


@dataclass
class StarOutcome(Outcome):
    star: Star = field(default_factory=Star)
    i_actions: int = 0
    we_actions: int = 0


def run(document: Document) -> StarOutcome:
    evidence: dict[str, list[Span]] = {part: [] for part in STAR_PARTS}
    i_actions = we_actions = 0
    for index, sentence in enumerate(document.sentences):
        parts = _parts_of(sentence, index, len(document.sentences))
        for part in parts:
            evidence[part].append(document.sentence_span(sentence))
        if "action" in parts:
            i_actions += _count_verbs(sentence.lower)
        we_actions += _count_actions(sentence.lower, _WE_ACTION_RE)
    story_required = asks_for_story(document.question)
    if not story_required and not evidence["situation"] and not evidence["result"]:
        # Asked for no story ("Tell me about yourself"), one "I developed…" among claims is
        # not the Action of a story that has no scene and no outcome.
        evidence["action"], i_actions = [], 0
    star = Star(**{part: StarPart(present=bool(spans), evidence=spans) for part, spans in evidence.items()})
    _rate(star, i_actions, we_actions)
    outcome = StarOutcome(star=star, i_actions=i_actions, we_actions=we_actions)
    outcome.findings = _findings(star, i_actions, we_actions, document, story_required)
    outcome.flagged = not (star.situation.present and star.action.present and star.result.present)
    return outcome


def _parts_of(sentence: Sentence, index: int, total: int) -> list[str]:
    labelled = _LABELLED_PART.match(sentence.text)
    if labelled:
        name = labelled.group(1).lower()
        return [_LABEL_TO_PART.get(name, name)]
    if topics.is_personal(sentence):
        return []
    parts = [part for part, cue in _CUES.items() if cue.search(sentence.lower)]
    # A result cue in the first sentence is usually scene-setting ("we had reduced…").
    if "result" in parts and index == 0 and total > 2:
        parts.remove("result")
    if _has_real_action(sentence.lower):
        parts.insert(2 if "task" in parts else 1 if "situation" in parts else 0, "action")
    return parts


def _has_real_action(lower: str) -> bool:
    return _count_actions(lower, _I_VERB_RE) > 0 or bool(_ACTION_PHRASE_RE.search(lower))


def _is_action_verb(word: str) -> bool:
    if word in _NOT_ACTIONS:
        return False
    return word in _IRREGULAR_PAST_SET or (len(word) > 3 and word.endswith("ed"))


_VERB_RE = re.compile(rf"(?<!\bwas )(?<!\bwere )(?<!\bbeen )\b(?P<verb>{_VERB})\b")


def _count_verbs(lower: str) -> int:
    """Actions in a sentence told with "I": "I negotiated…, split… and set up…" is three."""
    return max(1, _count_actions(lower, _VERB_RE))


def _count_actions(lower: str, pattern: re.Pattern[str]) -> int:
    return sum(1 for m in pattern.finditer(lower) if _is_action_verb(m.group("verb")))


def _rate(star: Star, i_actions: int, we_actions: int) -> None:
    """Anchored 1-5 ratings (docs/rubric.md): 1 missing, 3 thin, 4 clear, 5 clear and concrete."""
    for name, part in star.parts():
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
                    check="star",
                    severity=severity,
                    message=f"No clear {name.capitalize()} in the answer.",
                    suggestion=_MISSING_ADVICE[name],
                )
            )
    if we_actions > i_actions and we_actions >= 2:
        findings.append(
            Finding(
                check="star",
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
            check="star",
            severity="info",
            message="No example backs this answer up.",
            suggestion="Add one short example: what you did and how it turned out.",
        )
    ]


def _first_we_span(document: Document) -> Span | None:
    for sentence in document.sentences:
        if _count_actions(sentence.lower, _WE_ACTION_RE):
            return document.sentence_span(sentence)
    return None


CHECK = Check(
    id="star",
    description="Situation, Task, Action and Result, each with the sentences that show it.",
    run=run,
    flags=(
        "We had a project once. It was hard.",
        "I am a hard worker and I like people.",
        "Last spring our warehouse kept running out of stock. I rebuilt the reorder sheet.",
    ),
    passes=(
        "Last spring at my previous company our release was three weeks behind. My job was to get "
        "it back on track. I split the backlog and paired with the two slowest teams. We shipped on "
        "time and cut open bugs by 40%.",
        "When I was at a small bakery, the owner asked me to fix our ordering. I built a simple "
        "spreadsheet. As a result, waste dropped noticeably.",
    ),
)
