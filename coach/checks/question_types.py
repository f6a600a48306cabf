"""What each kind of non-story question asks for, judged (issue 12 §2; docs/rubric.md).

- why leaving: a forward-looking reason (what the candidate moves toward), no complaint;
- a failure or mistake: ownership (what *I* got wrong) and the lesson, no blame put on others;
- tell me about yourself: a short present-past-future arc tied to the role.

Cues, limits and the text the LLM engine is given are data (coach/data/kinds.yaml, a section per
type). Complaints and blame are the negativity check's verdict and the learned blame model's,
never a second list (both read through coach/checks/question_cues.py, with the cues). Judged by
the question-type check (coach/checks/question_rubric.py), whose id the findings carry.
"""

from __future__ import annotations

import re
from functools import cache

from coach.checks import question_cues as cues
from coach.models import Finding, Span
from coach.rules.text import WORD_RE, Document, Sentence

ID = "question-type"
FAILURE = "failure"


# --- which rubric ------------------------------------------------------------------------------


def judged_type(question: str | None) -> str | None:
    """The rubric an answer is judged by: its question's type (the bank's own when the bank
    holds the question, else the one its phrasing says), with a story question that names a
    failure or a mistake judged as `failure`. None when no question or no known type."""
    from coach.second_round.question_bank import kind_of_question

    kind = kind_of_question(question)
    return rubric_type(kind["type"], question) if kind else None


def rubric_type(question_type: str, question: str | None) -> str:
    """A failure question is a story question too (STAR still applies): only its rubric differs."""
    if question_type == "story" and question and _names_a_failure().search(question):
        return FAILURE
    return question_type


@cache
def _names_a_failure() -> re.Pattern[str]:
    from coach.rules.text import compile_phrases

    return compile_phrases([str(phrase) for phrase in cues.kind_section(FAILURE)["question_cues"]])


def rubric_text(question_type: str, question: str | None) -> str | None:
    """What to check for this kind of question, in words, for the LLM engine's prompt."""
    section = cues.kinds_config().get(rubric_type(question_type, question))
    return section.get("rubric") if isinstance(section, dict) else None


def findings(document: Document, question_type: str | None) -> list[Finding]:
    judge = _JUDGES.get(question_type)
    return judge(document) if judge else []


# --- why leaving -------------------------------------------------------------------------------


def _why_leaving(document: Document) -> list[Finding]:
    found = _complaint(document)
    found.append(_credit_or_missing(
        document, cues.cue_sentences(document, "why_leaving", "forward"), "Says what you are moving toward.",
        "Only what you are leaving behind: nothing on what you are moving toward.",
        "Add what you want next and how this role offers it: \"I'm looking for more "
        "ownership of X, and this role puts X at the centre.\"",
    ))
    return found


def _complaint(document: Document) -> list[Finding]:
    """A complaint about the old job as the reason for leaving: the negativity check's verdict."""
    negative = cues.negativity_verdict(document)
    if not negative:
        return []
    return [Finding(
        check=ID, severity="problem",
        message="The reason for leaving is a complaint about your employer or colleagues.",
        span=negative[0],
        suggestion="Keep the old job out of it: say in one line what you want next and why this role gives it.",
    )]


# --- failure or mistake ------------------------------------------------------------------------


def _failure(document: Document) -> list[Finding]:
    found = []
    owned = [s for s in document.sentences if _owns_error(s)]
    blame = _blame(document, owned)
    if blame is not None:
        found.append(blame)
    if owned:
        found.append(_credit(document, owned[0], "Owns what went wrong."))
    elif blame is None:
        found.append(Finding(
            check=ID, severity="warning",
            message="You never say what you yourself got wrong.",
            suggestion="Name your own part in one plain sentence: \"I didn't check X before Y; that was my call.\"",
        ))
    found.append(_credit_or_missing(
        document, cues.cue_sentences(document, FAILURE, "lesson"), "Names the lesson, or what you do differently since.",
        "No lesson: nothing on what you learned or do differently since.",
        "End with what changed: \"Since then I always … before …\", and one time it has paid off.",
    ))
    return found


def _blame(document: Document, owned: list[Sentence]) -> Finding | None:
    """The failure put on others: what the negativity check flags, or (when the candidate owns
    nothing) a sentence the learned blame model reads as blame at its trained threshold."""
    negative = cues.negativity_verdict(document)
    if not negative and not owned:
        negative = cues.blame_model_sentences(document)
    if not negative:
        return None
    return Finding(
        check=ID, severity="problem",
        message="The failure is put on other people instead of owned.",
        span=negative[0],
        suggestion="Tell your own part first (\"I should have…\"), and what others did only as facts.",
    )


def _owns_error(sentence: Sentence) -> bool:
    """The candidate owns an error: "my mistake", "I should have", or "I" as the subject of a
    word of getting something wrong ("I badly underestimated…"), none of it negated."""
    if cues.has_cue(sentence, FAILURE, "ownership"):
        return True
    return any(_first_person_error(WORD_RE.findall(clause)) for clause in cues.CLAUSE_BREAK.split(sentence.lower))


def _first_person_error(words: list[str]) -> bool:
    """In one clause: "I", then within a few words (no negation between) a word of error."""
    errors = set(cues.kind_section(FAILURE)["cues"]["own_errors"])
    window = int(cues.kind_section(FAILURE)["first_person_window"])
    for index, word in enumerate(words):
        if word not in _FIRST_PERSON:
            continue
        for following in words[index + 1 : index + 1 + window]:
            if cues.is_negation(following):
                break
            if following in errors:
                return True
    return False


# The candidate as the subject: grammar, not a cue list.
_FIRST_PERSON = frozenset(("i", "i'd", "i've"))


# --- tell me about yourself --------------------------------------------------------------------


def _about_yourself(document: Document) -> list[Finding]:
    present = cues.cue_sentences(document, "about_yourself", "present")
    linked = cues.cue_sentences(document, "about_yourself", "role_link")
    future = [s for s in document.sentences if s in linked or cues.has_cue(s, "about_yourself", "forward")]
    found = []
    life_story = _life_story(document)
    if life_story is not None and not linked:
        found.append(Finding(
            check=ID, severity="warning",
            message="A life story told in order, with no link to this role.",
            span=life_story,
            suggestion="Start from what you do now, keep only the one or two steps that led here, and end on why this role.",
        ))
    if not present:
        found.append(Finding(
            check=ID, severity="warning",
            message="No present part: nothing on what you do now.",
            suggestion="Open with where you are today: \"I'm a … at …, where I …\".",
        ))
    if not future:
        found.append(Finding(
            check=ID, severity="warning",
            message="No future part: nothing on why this role is your next step.",
            suggestion="Close with what you want next and why this role: \"Now I'm looking for …, which is why this role …\".",
        ))
    found += _too_long(document)
    if present and future and _has_past(document) and not found:
        found.append(_credit(document, future[-1], "A present-past-future arc that ends on where you are heading."))
    return found


def _too_long(document: Document) -> list[Finding]:
    seconds = document.limits.speaking_seconds(document.word_count)
    if seconds <= cues.kind_section("about_yourself")["max_seconds"]:
        return []
    return [Finding(
        check=ID, severity="warning",
        message=f"About {round(seconds)} s spoken: an introduction should take one to two and a half minutes.",
        suggestion="Cut the past to the one or two steps that explain why you are here.",
    )]


def _life_story(document: Document) -> Span | None:
    """Where a chronological life story shows: an early-life opening ("I grew up in…"), or an
    answer told almost all in the past tense."""
    early = cues.cue_sentences(document, "about_yourself", "early_life")
    if early:
        return document.sentence_span(early[0])
    section = cues.kind_section("about_yourself")
    sentences = document.sentences
    past = [s for s in sentences if _is_past_sentence(s)]
    if len(sentences) >= section["min_life_story_sentences"] and len(past) / len(sentences) >= section["life_story_past_share"]:
        return document.span(sentences[0].start, sentences[-1].end)
    return None


def _has_past(document: Document) -> bool:
    return bool(cues.cue_sentences(document, "about_yourself", "past")) or any(_is_past_sentence(s) for s in document.sentences)


def _is_past_sentence(sentence: Sentence) -> bool:
    """"I" followed by a past verb ("I studied", "I then moved"): an earlier step of mine."""
    from coach.rules.text import is_past

    words = sentence.words
    return any(word == "i" and any(is_past(w) for w in words[index + 1 : index + 3]) for index, word in enumerate(words))


_JUDGES = {"why_leaving": _why_leaving, FAILURE: _failure, "about_yourself": _about_yourself}


# --- what a rubric credits or misses ----------------------------------------------------------


def _credit_or_missing(document: Document, shown: list[Sentence], credit: str, missing: str, suggestion: str) -> Finding:
    """The first sentence that shows what the question asks for, credited; or a warning that
    nothing does, with what to add."""
    if shown:
        return _credit(document, shown[0], credit)
    return Finding(check=ID, severity="warning", message=missing, suggestion=suggestion)


def _credit(document: Document, sentence: Sentence, message: str) -> Finding:
    """What the answer does right, quoted: an info finding, which never lowers the score."""
    return Finding(check=ID, severity="info", message=message, span=document.sentence_span(sentence))
