"""What a batch adds up to: count, mean, median, distribution, and what recurs.

Built incrementally (`add` each outcome as it arrives), keeping only small per-answer data
(a score histogram, and a 32-number sketch of each story told first, to find it retold), so a 10,000-answer
batch costs a few megabytes here, not the answers themselves.
"""

from __future__ import annotations

import heapq
import re
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass, field

from coach.checks.rambling import filler_form
from coach.models import Critique, InputError
from coach.render.verdict import ISSUES, Issue, issues
from coach.rules.questions import asks_for_story
from coach.wording import count_of, listing

# Two answers tell the same story when at least this share of their three-word phrases
# (stop words dropped) is the same: a retold story keeps its names, numbers and turns of
# phrase even when its opening changes; two different stories share almost none.
SAME_STORY_OVERLAP = 0.3
_SHINGLE_WORDS = 3
_SKETCH_SIZE = 32  # bottom-k sketch: overlap estimated within about ±0.08
_INDEXED = 8  # smallest hashes used to find candidate pairs
_MIN_SHINGLES = 12  # shorter answers have too little story to compare
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    """a an the and or but so to of in on at for with i we my our it is was were be been this that
    they he she you me us them his her their there then just very really also as by from had have
    not no do did done all about into out up over what when which who will would could can""".split()
)
MAX_LISTED = 10


@dataclass
class Summary:
    answers: int
    graded: int
    mean: float | None
    median: float | None
    distribution: list[tuple[str, int]]
    recurring: list[str]
    fillers: list[tuple[str, int]]
    same_story: list[list[str]]
    failed: list[tuple[str, str]]
    failed_count: int
    below: list[tuple[str, int]] = field(default_factory=list)
    below_count: int = 0
    fail_under: int | None = None
    cached: int = 0
    fallbacks: int = 0
    same_story_count: int = 0

    def to_dict(self) -> dict:
        return {
            "answers": self.answers,
            "graded": self.graded,
            "failed": self.failed_count,
            "mean": self.mean,
            "median": self.median,
            "distribution": dict(self.distribution),
            "recurring": self.recurring,
            "fillers": dict(self.fillers),
            "same_story": self.same_story,
            "cached": self.cached,
            "fallbacks": self.fallbacks,
        }

    def lines(self) -> list[str]:
        """Plain sentences, for the terminal and the markdown report."""
        out = [self.headline()]
        out += [f"- {line}" for line in self.recurring]
        if self.fillers:
            out.append("- most common fillers: " + ", ".join(f'"{w}" ×{n}' for w, n in self.fillers))
        out += [f"- {same_story_sentence(group)}" for group in self.same_story]
        if self.same_story_count > len(self.same_story):
            more = self.same_story_count - len(self.same_story)
            out.append(f"- and {count_of(more, 'more group')} of answers that tell the same story")
        if self.below_count:
            out.append(f"- {self.below_count} below {self.fail_under}: " + listing([f"{s} ({n})" for s, n in self.below], self.below_count))
        if self.failed_count:
            out.append(f"- {self.failed_count} could not be graded: " + listing([s for s, _ in self.failed], self.failed_count))
        return out

    def headline(self) -> str:
        if not self.graded:
            return f"{count_of(self.answers, 'answer')}, none graded"
        extra = [f"{n} from cache" for n in [self.cached] if n] + [f"{n} fell back to offline" for n in [self.fallbacks] if n]
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{self.graded} of {self.answers} answers graded: mean {self.mean:.1f}, median {self.median:g}{tail}"


def same_story_sentence(group: list[str]) -> str:
    names = group if len(group) <= 4 else group[:3] + [f"{len(group) - 3} more"]
    return f"{', '.join(names[:-1])} and {names[-1]} tell the same story"


class SummaryBuilder:
    def __init__(self, fail_under: int | None = None):
        self.fail_under = fail_under
        self.answers = 0
        self.histogram = [0] * 101
        self.missing: Counter[str] = Counter()
        self.stories_asked = 0  # answers whose question asks for a story: STAR applies
        self.issues: Counter[Issue] = Counter()
        self.fillers: Counter[str] = Counter()
        self.failed: list[tuple[str, str]] = []
        self.failed_count = 0
        self.below: list[tuple[str, int]] = []
        self.below_count = 0
        self.cached = self.fallbacks = 0
        self.stories = _StoryIndex()

    def add(self, text: str | None, result: Critique | InputError) -> None:
        self.answers += 1
        if isinstance(result, InputError):
            self.failed_count += 1
            if len(self.failed) < MAX_LISTED:
                self.failed.append((result.source, result.error))
            return
        self.histogram[result.score] += 1
        self.cached += result.cached
        self.fallbacks += result.fallback_reason is not None
        if result.kind == "answer" and asks_for_story(result.question):
            self.stories_asked += 1
            for name, part in result.star.parts():
                self.missing[name] += not part.present
        self.issues.update(issues(result))
        if self.fail_under is not None and result.score < self.fail_under:
            self.below_count += 1
            if len(self.below) < MAX_LISTED:
                self.below.append((result.source, result.score))
        self.fillers.update(filler_form(span.text) for span in result.checks.rambling.fillers)
        if text:
            self.stories.add(text, result.source)

    def build(self) -> Summary:
        graded = sum(self.histogram)
        stories = self.stories.groups()
        return Summary(
            answers=self.answers,
            graded=graded,
            mean=round(sum(s * n for s, n in enumerate(self.histogram)) / graded, 1) if graded else None,
            median=_median(self.histogram, graded),
            distribution=_distribution(self.histogram),
            recurring=self._recurring(graded),
            fillers=self.fillers.most_common(5),
            same_story=stories[:MAX_LISTED],
            same_story_count=len(stories),
            failed=self.failed,
            failed_count=self.failed_count,
            below=self.below,
            below_count=self.below_count,
            fail_under=self.fail_under,
            cached=self.cached,
            fallbacks=self.fallbacks,
        )

    def _recurring(self, graded: int) -> list[str]:
        """What recurs, most frequent first; a missing STAR part is counted only among the
        answers whose question asks for a story ("Why are you leaving?" wants no Task)."""
        recurring = [(n, self.stories_asked, f"have no {name.capitalize()}") for name, n in self.missing.items()]
        recurring += [(self.issues[issue], graded, issue.recurring) for issue in ISSUES]
        ranked = sorted(((n, among, what) for n, among, what in recurring if n), key=lambda item: -item[0])
        return [f"{n} of {among} answers {what}" for n, among, what in ranked]


def _median(histogram: list[int], count: int) -> float | None:
    if not count:
        return None
    wanted = [(count - 1) // 2, count // 2]
    values, seen = [], 0
    for score, n in enumerate(histogram):
        while wanted and wanted[0] < seen + n:
            values.append(score)
            wanted.pop(0)
        seen += n
    return (values[0] + values[1]) / 2


def _distribution(histogram: list[int]) -> list[tuple[str, int]]:
    bands = [(low, low + 9) for low in range(0, 90, 10)] + [(90, 100)]
    return [(f"{low}-{high}", sum(histogram[low : high + 1])) for low, high in bands]


class _StoryIndex:
    """Bottom-k sketches of each answer's phrases; pairs found through shared smallest hashes.

    Each answer is matched as it is added (the batch is still grading), so the summary at
    the end costs nothing; only first tellings (leaders) keep their sketch."""

    def __init__(self):
        self.sources: list[str] = []
        self.leader_of: list[int] = []
        self.leader_sketches: dict[int, array] = {}  # 128 bytes each; a set would be 3 KB
        self.buckets: dict[int, list[int]] = {}  # hash -> leaders whose sketch starts with it

    def add(self, text: str, source: str) -> None:
        words = [w for w in _WORD.findall(text.lower().replace("’", "'")) if w not in _STOP]
        shingles = {" ".join(words[i : i + _SHINGLE_WORDS]) for i in range(len(words) - _SHINGLE_WORDS + 1)}
        if len(shingles) < _MIN_SHINGLES:
            return
        hashes = {zlib.crc32(s.encode("utf-8")) for s in shingles}
        sketch = array("I", sorted(heapq.nsmallest(_SKETCH_SIZE, hashes)))
        index = len(self.sources)
        self.sources.append(source)
        leader = self._leader_for(sketch)
        self.leader_of.append(index if leader is None else leader)
        if leader is None:
            self.leader_sketches[index] = sketch
            for value in sketch[:_INDEXED]:
                members = self.buckets.setdefault(value, [])
                if len(members) < 20:  # a phrase in every answer says nothing about stories
                    members.append(index)

    def _leader_for(self, sketch: array) -> int | None:
        """The first earlier telling of this story; answers join a leader, never a chain of
        look-alikes, so groups stay meaningful."""
        mine = frozenset(sketch)
        tried: set[int] = set()  # answers on one theme share several smallest hashes
        for value in sketch[:_INDEXED]:
            for j in self.buckets.get(value, ()):
                if j not in tried:
                    tried.add(j)
                    if overlap(mine, self.leader_sketches[j]) >= SAME_STORY_OVERLAP:
                        return j
        return None

    def groups(self) -> list[list[str]]:
        """Each group: a first telling (its leader) and the later answers that retell it."""
        grouped: dict[int, list[str]] = {}
        for i, leader in enumerate(self.leader_of):
            grouped.setdefault(leader, []).append(self.sources[i])
        return sorted((g for g in grouped.values() if len(g) > 1), key=lambda g: -len(g))


def overlap(a: frozenset[int], b: array) -> float:
    """Estimated Jaccard similarity of two bottom-k sketches of distinct hashes."""
    both = a.intersection(b)
    if not both:
        return 0.0
    union = sorted(a.union(b))[:_SKETCH_SIZE]
    return sum(1 for value in union if value in both) / len(union)
