"""Which role of prompts/roles.yaml a free-text role means, or none.

A role matches when one of its aliases is in the text and every other word of the text is
either another of that role's words or says only level or seniority ("senior", "lead",
"manager"): "senior backend developer" is the software engineer, but "mechanical engineer" is
not, since "mechanical" says the field is another one. An unknown role gets the general entry,
and callers say so.
"""

from __future__ import annotations

import re

GENERAL_ROLE = "general"
# Words that say how senior or what kind of post, not which field.
_LEVEL_WORDS = frozenset(
    """senior junior lead principal staff head chief associate assistant deputy trainee intern
    internship graduate entry level mid i ii iii iv manager specialist officer executive
    coordinator consultant representative rep agent advisor adviser partner worker clerk member
    team of and the a an for in at""".split()
)
_WORD = re.compile(r"[a-z0-9&+#.-]+")


def match(given: str | None, roles: dict) -> tuple[str, bool]:
    """(roles key, whether a role really matched); the general key when none does."""
    if not given or not given.strip():
        return GENERAL_ROLE, False
    text = " ".join(given.lower().split())
    words = set(_WORD.findall(text))
    best, best_length = GENERAL_ROLE, 0
    for key, entry in roles.items():
        if key == GENERAL_ROLE:
            continue
        aliases = [str(a).lower() for a in (key, entry.get("name", key), *entry.get("aliases", []))]
        own_words = {w for alias in aliases for w in _WORD.findall(alias)}
        if not words <= own_words | _LEVEL_WORDS:
            continue
        for alias in aliases:
            if len(alias) > best_length and re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text):
                best, best_length = key, len(alias)
    return best, best != GENERAL_ROLE
