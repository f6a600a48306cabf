"""On-disk cache of successful critiques, so a batch never pays twice for the same answer.

One SQLite file under the platform's user cache folder (COACH_CACHE_DIR overrides it).
The key hashes everything that decides a critique: the engine's fingerprint (engine, model,
base URL, prompt templates' content...), the schema version, question, role and answer.
Callers must never put secrets such as the API key in the fingerprint. Errors and fallbacks
are never stored: a later run should try them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from coach.models import SCHEMA_VERSION, Answer, Critique

FILE_NAME = "critiques.sqlite3"


def cache_dir() -> Path:
    override = os.environ.get("COACH_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir  # the right folder on Linux, macOS and Windows

    return Path(user_cache_dir("coach", appauthor=False))


def key(fingerprint: dict, answer: Answer) -> str:
    material = {
        "engine": fingerprint,
        "schema_version": SCHEMA_VERSION,
        "question": answer.question,
        "role": answer.role,
        "answer": answer.text,
    }
    canonical = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def cacheable(critique: Critique) -> bool:
    return critique.fallback_reason is None


@dataclass
class Info:
    path: Path
    entries: int
    size_bytes: int


class Cache:
    """Thread-safe: one connection, used under a lock (SQLite calls are short)."""

    def __init__(self, folder: Path | None = None):
        self.path = (folder or cache_dir()) / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Autocommit: every stored critique is on disk at once, so kill -9 loses nothing finished.
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS critiques (key TEXT PRIMARY KEY, critique TEXT NOT NULL, stored REAL NOT NULL)"
        )

    def get(self, fingerprint: dict, answer: Answer) -> Critique | None:
        with self._lock:
            row = self._db.execute("SELECT critique FROM critiques WHERE key = ?", (key(fingerprint, answer),)).fetchone()
        if row is None:
            return None
        try:
            stored = Critique.model_validate_json(row[0])
        except ValueError:
            return None  # written by an incompatible version; grade again
        return stored.model_copy(update={"source": answer.source, "cached": True})

    def put(self, fingerprint: dict, answer: Answer, critique: Critique) -> bool:
        if not cacheable(critique):
            return False
        payload = critique.model_copy(update={"cached": False}).model_dump_json()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO critiques (key, critique, stored) VALUES (?, ?, ?)",
                (key(fingerprint, answer), payload, time.time()),
            )
        return True

    def info(self) -> Info:
        with self._lock:
            (entries,) = self._db.execute("SELECT COUNT(*) FROM critiques").fetchone()
        size = sum(p.stat().st_size for p in self.path.parent.glob(FILE_NAME + "*") if p.is_file())
        return Info(self.path, entries, size)

    def clear(self) -> int:
        with self._lock:
            (entries,) = self._db.execute("SELECT COUNT(*) FROM critiques").fetchone()
            self._db.execute("DELETE FROM critiques")
            self._db.execute("VACUUM")
        return entries

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
