"""Texts of a second round besides answers: a thank-you email, the questions to ask.

Each kind has its own checks, evidence spans and score (weights and cues in
coach/data/kinds.yaml; documented in docs/rubric.md), and comes out as the same `Critique`
every renderer reads. The offline engine grades by these rules alone; the LLM engine
(coach/llm/kind_critic.py) starts from them, keeps what they measure (`MEASURED`, the length,
the lateness, the count of questions, the problems) and replaces their cue verdicts
(`JUDGEMENTS`) with the model's verified ones, scored by the same `score`.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from coach.models import Answer, Critique, Finding, Metrics, Span
from coach.rules import rubric
from coach.rules.text import Document, compile_phrases
from coach.wording import count_of
from coach.yaml_text import parse_yaml

KINDS = ("answer", "thank-you", "questions")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


@cache
def _config() -> dict:
    return parse_yaml(resources.files("coach.data").joinpath("kinds.yaml").read_text(encoding="utf-8"))


@cache
def cue(kind: str, name: str) -> re.Pattern[str]:
    """One list of cue phrases of coach/data/kinds.yaml, as one regex."""
    return compile_phrases([str(phrase) for phrase in _config()[kind]["cues"][name]])


def critique(answer: Answer) -> Critique:
    if answer.kind == "thank-you":
        return _thank_you(answer)
    return _questions(answer)


def _metrics(document: Document) -> Metrics:
    words = document.word_count
    return Metrics(words=words, sentences=len(document.sentences), speaking_seconds=document.limits.speaking_seconds(words))


def weights(kind: str) -> dict[str, int]:
    """The kind's criteria and their weights (coach/data/kinds.yaml)."""
    return dict(_config()[kind]["weights"])


def limits(kind: str) -> dict:
    """The kind's limits (max_words, late_after_hours, good_count, min_words): no cues, no weights."""
    return {key: value for key, value in _config()[kind].items() if key not in ("cues", "weights")}


def questions_asked(text: str) -> list[Span]:
    """The questions of a list of questions to ask, as code counts them."""
    return _asked(Document(text))


def score(ratings: dict[str, int], findings: list[Finding], weights: dict[str, int]) -> int:
    """A kind's score, in both engines: the weighted mean of its ratings, capped by any
    `problem` finding (and, as for answers, by text that tries to steer the grader: the LLM
    engine's injection check)."""
    caps = [CAP_WITH_PROBLEM] if any(f.severity == "problem" for f in findings) else []
    if any(f.check == "injection" for f in findings):
        caps.append(rubric.CAP_INJECTION)
    return rubric.capped(rubric.weighted(ratings, weights), caps)


def _critique(answer: Answer, document: Document, ratings: dict[str, int], findings: list[Finding],
              strengths: list[str], weights: dict[str, int]) -> Critique:
    return Critique(
        source=answer.source, question=answer.question, role=answer.role, kind=answer.kind,
        score=score(ratings, findings, weights), ratings=ratings, metrics=_metrics(document),
        findings=findings, strengths=strengths, suggestions=suggestions_of(findings),
    )


def suggestions_of(findings: list[Finding]) -> list[str]:
    """A kind's advice, in both engines: its findings' suggestions in order, each once, at most 5."""
    return list(dict.fromkeys(f.suggestion for f in findings if f.suggestion))[:5]


# A text with a problem (pleading, a complaint, "no questions", pay asked first) cannot score well.
CAP_WITH_PROBLEM = 45
# The criteria code measures, whatever the engine: the LLM engine keeps these ratings.
MEASURED = {"thank-you": ("concision",), "questions": ("count",)}


# --- thank-you email ---------------------------------------------------------------------------

THANK_YOU_ADVICE = {
    "gratitude": ("No thanks for the interviewer's time.", "Open by thanking them for their time and the conversation."),
    "interest": ("It does not say you still want the job.", "Say plainly that the conversation made you keener on the role."),
    "recap": ("No strength of yours is recalled.", "Recall one or two strengths that fit what they need: 'my five years running night shifts'."),
    "specific_moment": ("Nothing from the interview itself is recalled.", "Mention one moment or topic from the interview, so they remember you."),
    "sign_off": ("No sign-off.", "End with a sign-off and your name: 'Best regards, Sam'."),
}


def _thank_you(answer: Answer) -> Critique:
    config = _config()["thank-you"]
    document = Document(answer.text)
    found = {name: _first(document, cue("thank-you", name)) for name in ("gratitude", "interest", "recap", "specific_moment")}
    closing = document.text[-160:]
    sign_off = cue("thank-you", "sign_off").search(closing)
    findings: list[Finding] = []
    ratings = {name: 5 if span else 1 for name, span in found.items()}
    ratings["sign_off"] = 5 if sign_off else 1
    for name, span in [*found.items(), ("sign_off", sign_off)]:
        if not span:
            message, advice = THANK_YOU_ADVICE[name]
            findings.append(Finding(check="thank-you", severity="warning", message=message, suggestion=advice))
    ratings["concision"] = _concision(document.word_count, config["max_words"], findings)
    ratings["tone"] = _tone(document, findings)
    _late(answer.hours_since_interview, config["late_after_hours"], findings)
    findings += [Finding(check="thank-you", severity="info", message=FOUND[name], span=span) for name, span in found.items() if span]
    strengths = [f"{name.replace('_', ' ').capitalize()}: \"{span.text}\"" for name, span in found.items() if span][:3]
    return _critique(answer, document, ratings, findings, strengths, config["weights"])


# What each part of a good thank-you does, said of the sentence that does it (the evidence).
FOUND = {
    "gratitude": "Thanks the interviewer.",
    "interest": "Says the interest is still there.",
    "recap": "Recalls a strength that fits the role.",
    "specific_moment": "Recalls something from the interview itself.",
}


def _first(document: Document, cue: re.Pattern[str]) -> Span | None:
    """The first sentence that uses the cue: the evidence."""
    for sentence in document.sentences:
        if cue.search(sentence.text):
            return document.sentence_span(sentence)
    return None


def _concision(words: int, limit: int, findings: list[Finding]) -> int:
    if words <= limit:
        return 5
    findings.append(Finding(check="thank-you", severity="warning", message=f"{words} words: longer than a thank-you needs ({limit}).",
                            suggestion="Keep it to three short paragraphs: thanks, what you bring, next step."))
    return 3 if words <= 1.5 * limit else 1


def _tone(document: Document, findings: list[Finding]) -> int:
    rating = 5
    for name, message in (("pleading", "Pleads for the job."), ("complaint", "Complains about a current or former employer.")):
        span = _first(document, cue("thank-you", name))
        if span:
            rating = 1
            findings.append(Finding(check="thank-you", severity="problem", message=message, span=span,
                                    suggestion="Keep it confident and positive: thanks, interest, what you bring."))
    return rating


def _late(elapsed: float | None, hours: int, findings: list[Finding]) -> None:
    if elapsed is not None and elapsed > hours:
        findings.append(Finding(check="thank-you", severity="warning",
                                message=f"Sent {elapsed:.0f} hours after the interview; within {hours} is the custom.",
                                suggestion="Send it the same day, or the next morning at the latest."))


# --- questions to ask ------------------------------------------------------------------------


def _questions(answer: Answer) -> Critique:
    config = _config()["questions"]
    document = Document(answer.text)
    asked = _asked(document)
    findings: list[Finding] = []
    if not asked:
        none = cue("questions", "none").search(answer.text)
        findings.append(Finding(check="questions", severity="problem", message="No questions to ask the interviewers.",
                                span=document.span(none.start(), none.end()) if none else None,
                                suggestion="Prepare three or four: about the team, its biggest challenge, how success is measured."))
        ratings = {name: 1 for name in config["weights"]}
        return _critique(answer, document, ratings, findings, [], config["weights"])
    ratings = {
        "count": _count_rating(len(asked), *config["good_count"], findings),
        "open": _share_rating(asked, lambda s: _is_open(s.text), findings, *QUESTION_ADVICE["open"]),
        "specific": _share_rating(asked, lambda s: len(s.text.split()) >= config["min_words"], findings,
                                  *QUESTION_ADVICE["specific"]),
        "topics": _share_rating(asked, lambda s: bool(cue("questions", "topics").search(s.text)), findings,
                                *QUESTION_ADVICE["topics"]),
        "timing": _timing(asked, findings),
    }
    good = [s for s in asked if _is_open(s.text) and cue("questions", "topics").search(s.text)]
    findings += [Finding(check="questions", severity="info", message=GOOD_QUESTION, span=s) for s in good]
    strengths = [f'A good question: "{s.text}"' for s in good][:3]
    return _critique(answer, document, ratings, findings, strengths, config["weights"])


# What each question that misses a criterion is told (message, advice), and the credit of a good one.
QUESTION_ADVICE = {
    "open": ("A yes/no question: it gets one word back.", "Open it with how, what or why."),
    "specific": ("Too short to be specific.", "Say what about it you want to know."),
    "topics": ("Not about the team, the work, its challenges or how you would grow.",
               "Ask about what the job is really like: the team, the first months, what success looks like."),
}
GOOD_QUESTION = "An open question about the work itself."


def _asked(document: Document) -> list[Span]:
    """Each question: a sentence ending in "?", or a line of a list ("1." split off by the
    sentence splitter marks the sentence after it as one)."""
    asked, listed = [], False
    for sentence in document.sentences:
        text = sentence.text.strip()
        if len(_BULLET.sub("", text).split()) < 2:
            listed = bool(_BULLET.match(text)) or re.fullmatch(r"\d+[.)]", text) is not None
            continue
        if text.endswith("?") or listed or _BULLET.match(text):
            asked.append(document.sentence_span(sentence))
        listed = False
    return asked


def _is_open(text: str) -> bool:
    words = _BULLET.sub("", text).lower().split()
    if not words:
        return False
    opening = " ".join(words[:3])
    opens = _config()["questions"]["cues"]["open_starts"]
    return any(opening.startswith(start) for start in opens) and words[0] not in _config()["questions"]["cues"]["closed_starts"]


def _count_rating(n: int, low: int, high: int, findings: list[Finding]) -> int:
    if low <= n <= high:
        return 5
    message = f"{count_of(n, 'question')}: {low} to {high} is a good set."
    findings.append(Finding(check="questions", severity="warning", message=message,
                            suggestion="Bring three to five, in the order you most want answered."))
    return 3 if n in (low - 1, high + 1, high + 2) else 2


def _share_rating(asked: list[Span], good, findings: list[Finding], message: str, advice: str) -> int:
    bad = [span for span in asked if not good(span)]
    for span in bad:
        findings.append(Finding(check="questions", severity="info", message=message, span=span, suggestion=advice))
    return 1 + round(4 * (len(asked) - len(bad)) / len(asked))


def _timing(asked: list[Span], findings: list[Finding]) -> int:
    timing = cue("questions", "timing")
    about_pay = [span for span in asked if timing.search(span.text)]
    if not about_pay:
        return 5
    if about_pay[0] is asked[0]:
        findings.append(Finding(check="questions", severity="problem", span=asked[0],
                                message="Pay, benefits or time off come first: in a second round that reads as the main interest.",
                                suggestion="Ask about the work first; leave pay and leave for the offer stage."))
        return 1
    return 4


# The cue verdicts: the offline findings that say whether a criterion the LLM engine judges is
# met (message -> criterion). The LLM engine replaces them with the model's verified judgement;
# every other finding (length, lateness, count, pleading, a complaint, pay first, no questions)
# is a measured fact or a problem it keeps.
JUDGEMENTS: dict[str, str] = (
    {message: name for name, (message, _) in THANK_YOU_ADVICE.items()}
    | {message: name for name, message in FOUND.items()}
    | {message: name for name, (message, _) in QUESTION_ADVICE.items()}
    | {GOOD_QUESTION: "open"}
)
