"""Small pieces of English that every report shares, so "1 sentences" is fixed once."""

from __future__ import annotations


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """'1 answer', '2 answers', '0 answers'; `plural` for nouns that do not just add -s."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def listing(names: list[str], total: int) -> str:
    """Names joined by commas, saying how many more there are beyond those shown."""
    shown = ", ".join(names)
    return shown + (f" and {total - len(names)} more" if total > len(names) else "")


def clip(text: str, limit: int = 80) -> str:
    """One line of at most `limit` characters, ending in "…" when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
