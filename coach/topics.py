"""Is a sentence about work at all? Off-topic detection shared by the checks.

An interview answer that drifts into weekends, recipes, pets or family has wandered off
the question, however short it is. A sentence counts as personal when it names
private-life topics and nothing from working or studying life.
"""

from __future__ import annotations

from coach.text import Sentence

PERSONAL_WORDS = frozenset(
    """weekend weekends relax relaxed relaxing netflix episode episodes movie movies tv
    television recipe recipes cooking cooked cook baking baked chicken pasta salt pepper
    dinner lunch breakfast snack snacks tea coffee pizza sandwich sandwiches food dog dogs
    puppy cat cats pet pets vet game games football soccer basketball baseball hockey sport
    sports playoffs sleep slept asleep nap bed traffic highway roommate roommates dated
    dating boyfriend girlfriend husband wife father mother dad mom mum brother sisters
    sister brothers siblings family kids children son daughter grandma grandmother hobby
    hobbies born birthday favorite favourite vacation holiday beach gym workout yoga music
    concert band guitar piano video videogames internet facebook instagram tiktok weather
    garden shopping party parties friends""".split()
)
WORK_WORDS = frozenset(
    """work worked working job jobs role roles position career team teams project projects company
    companies client clients customer customers manager managers boss colleague colleagues coworker
    coworkers co-worker co-workers employer employee employees office business product products
    sales deadline deadlines meeting meetings report reports internship intern university school
    class course courses skills skill experience experiences hire hired hiring interview candidate
    feature code data system systems process processes budget revenue stakeholder stakeholders
    department organization organisation firm industry responsibilities responsibility task tasks
    goal goals lead leader leadership mentor training assignment presentation campaign strategy
    service support engineering software design marketing finance research study studied degree
    patients students volunteer volunteering shift store""".split()
)


def is_personal(sentence: Sentence) -> bool:
    words = set(sentence.words)
    return bool(words & PERSONAL_WORDS) and not (words & WORK_WORDS)


def off_topic_share(sentences: list[Sentence]) -> float:
    if not sentences:
        return 0.0
    return sum(1 for s in sentences if is_personal(s)) / len(sentences)
