"""Which of an answer's checks count, and at what severity: the user's --select/--ignore and
configured severities, applied to a finished critique the same way for both engines.

A check turned off loses its findings, its ratings (the criteria coach/data/checks.yaml says
it rates) and its caps; the score is the rubric's over what remains (`rubric.score_of`).
Thank-you emails and questions to ask have checks of their own, untouched by this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from coach.models import Critique


@dataclass(frozen=True)
class CheckSettings:
    ignored: frozenset[str] = frozenset()
    severities: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def chosen(cls, select: list[str] | None, ignore: list[str], severities: Mapping[str, str]) -> CheckSettings:
        """From a selection: only `select` (when given), minus `ignore`."""
        from coach.rules.check_docs import answer_check_ids

        known = answer_check_ids()
        kept = set(select) if select is not None else set(known)
        return cls(ignored=frozenset(known) - (kept - set(ignore)), severities=dict(severities))

    @property
    def default(self) -> bool:
        return not self.ignored and not self.severities

    def fingerprint(self) -> dict:
        """What a cached critique depends on besides the engine (none when all is default)."""
        return {} if self.default else {"ignored": sorted(self.ignored), "severities": dict(sorted(self.severities.items()))}

    @classmethod
    def from_fingerprint(cls, fingerprint: Mapping) -> CheckSettings:
        """The settings a fingerprint (of `fingerprint()`'s keys, among others) was made with."""
        return cls(ignored=frozenset(fingerprint.get("ignored", ())), severities=dict(fingerprint.get("severities", {})))

    def apply(self, critique: Critique) -> Critique:
        if self.default or critique.kind != "answer":
            return critique
        from coach.rules import rubric
        from coach.rules.check_docs import criteria_rated

        left_out = frozenset(c for check in self.ignored for c in criteria_rated()[check])
        findings = [
            finding.model_copy(update={"severity": self.severities[finding.check]}) if finding.check in self.severities else finding
            for finding in critique.findings
            if finding.check not in self.ignored
        ]
        ratings = {name: rating for name, rating in critique.ratings.items() if name not in left_out}
        dropped_advice = {f.suggestion for f in critique.findings if f.check in self.ignored} - {f.suggestion for f in findings}
        suggestions = [s for s in critique.suggestions if s not in dropped_advice]
        kept = critique.model_copy(update={"findings": findings, "ratings": ratings, "suggestions": suggestions})
        return kept.model_copy(update={"score": rubric.score_of(kept, leave_out=left_out)})
