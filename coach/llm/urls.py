"""Where requests go, as shown to people: never with user:password@ or a ?query, which can hold
credentials."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def shown_url(url: str) -> str:
    """`url` for notes and reports: without user:password@ or a ?query, which can hold credentials."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2], query="", fragment=""))


def shown_host(url: str) -> str:
    """Only the host (and an explicit port) of `url`: where answers go, nothing else of it."""
    parts = urlsplit(url)
    host = parts.hostname or url
    host = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:  # a malformed port: the host alone still says where
        port = None
    return f"{host}:{port}" if port else host


def post_url(base_url: str) -> str:
    """The URL a chat completion is POSTed to (as shown, without credentials)."""
    return shown_url(base_url).rstrip("/") + "/chat/completions"
