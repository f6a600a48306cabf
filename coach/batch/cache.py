"""On-disk cache of successful critiques, so a batch never pays twice for the same answer.

One SQLite file under the platform's user cache folder (COACH_CACHE_DIR overrides it).
The key hashes everything that decides a critique: the engine's fingerprint (engine, model,
base URL, prompt templates' content...), the schema version, question, role and answer.
Callers must never put secrets such as the API key in the fingerprint. Errors and fallbacks
are never stored: a later run should try them again.

The same file keeps the state of Batch API submissions (issue 14): each batch's id, where
and how it was sent, and its answers with their cache keys (the batch's custom_ids) and
sources, so collecting a batch depends on nothing but this file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from coach.models import SCHEMA_VERSION, Answer, Critique

FILE_NAME = "critiques.sqlite3"
# PRAGMA user_version of the file's layout. 0: critiques only (before issue 14); 1: also the
# batch tables. Migrations only add tables, so an older coach still reads its critiques.
DB_LAYOUT = 1
_TABLES = (
    "CREATE TABLE IF NOT EXISTS critiques (key TEXT PRIMARY KEY, critique TEXT NOT NULL, stored REAL NOT NULL)",
    # One row per Batch API batch submitted from this cache.
    ("CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, record TEXT NOT NULL, status TEXT NOT NULL,"
     " submitted REAL NOT NULL, collected REAL)"),
    # The answers a batch carries, in input order; `key` is the request's custom_id. Staged
    # under a temporary batch_id while the file is written, renamed once the batch exists.
    ("CREATE TABLE IF NOT EXISTS batch_answers (batch_id TEXT NOT NULL, position INTEGER NOT NULL,"
     " key TEXT NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (batch_id, position))"),
    "CREATE INDEX IF NOT EXISTS batch_answers_by_key ON batch_answers (key)",
)
# A batch that ended with nothing to collect: its answers count as not sent.
BATCH_FAILED = "failed"
_ANSWERS_PAGE = 500  # rows read at a time when a batch's answers are streamed back


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


class BatchRecord(BaseModel):
    """What a submitted batch needs to be collected later, whatever the terminal did since."""

    id: str
    endpoint: str  # the base URL as shown (never credentials): batches live on one server
    model: str
    response_format: str  # json_schema | json_object, decided before submitting
    fingerprint: dict  # the engine fingerprint its custom_ids were computed with
    redact: bool = False
    submitted: float
    requests: int
    size_bytes: int
    status: str = "validating"  # the last status the API reported
    collected: float | None = None

    @property
    def open(self) -> bool:
        """Not collected yet, and not failed: its answers may still come back."""
        return self.collected is None and self.status != BATCH_FAILED


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
        self._migrate()

    def _migrate(self) -> None:
        """Adds what this version needs to any older file; never drops or rewrites a table."""
        for statement in _TABLES:
            self._db.execute(statement)
        (layout,) = self._db.execute("PRAGMA user_version").fetchone()
        if layout < DB_LAYOUT:
            self._db.execute(f"PRAGMA user_version = {DB_LAYOUT}")

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

    # --- Batch API state (issue 14) -------------------------------------------------------

    def stage_batch_answers(self, staging_id: str, rows: Iterable[tuple[int, str, Answer]]) -> None:
        """(position, key, answer) rows of a batch being written, under a temporary id."""
        values = [(staging_id, position, key_, answer.model_dump_json()) for position, key_, answer in rows]
        with self._lock, self._transaction():
            self._db.executemany("INSERT INTO batch_answers (batch_id, position, key, answer) VALUES (?, ?, ?, ?)", values)

    def record_batch(self, record: BatchRecord, staging_id: str) -> None:
        """The batch exists: its record and its staged answers, in one transaction."""
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO batches (id, record, status, submitted, collected) VALUES (?, ?, ?, ?, ?)",
                (record.id, record.model_dump_json(), record.status, record.submitted, record.collected),
            )
            self._db.execute("UPDATE batch_answers SET batch_id = ? WHERE batch_id = ?", (record.id, staging_id))

    def discard_staged(self, staging_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM batch_answers WHERE batch_id = ?", (staging_id,))

    def batch(self, batch_id: str) -> BatchRecord | None:
        with self._lock:
            row = self._db.execute("SELECT record, status, collected FROM batches WHERE id = ?", (batch_id,)).fetchone()
        return _record(row) if row else None

    def batches(self) -> list[BatchRecord]:
        """Every batch submitted from this cache, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT record, status, collected FROM batches ORDER BY submitted, id").fetchall()
        return [_record(row) for row in rows]

    def set_batch_status(self, batch_id: str, status: str, *, collected: float | None = None) -> None:
        with self._lock:
            self._db.execute("UPDATE batches SET status = ?, collected = COALESCE(?, collected) WHERE id = ?",
                             (status, collected, batch_id))

    def batch_answers(self, batch_id: str) -> Iterator[Answer]:
        """A batch's answers in input order, a page at a time (a 50,000-answer batch is never
        held whole)."""
        after = -1
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT position, answer FROM batch_answers WHERE batch_id = ? AND position > ? "
                    "ORDER BY position LIMIT ?", (batch_id, after, _ANSWERS_PAGE),
                ).fetchall()
            if not rows:
                return
            for _, answer in rows:
                yield Answer.model_validate_json(answer)
            after = rows[-1][0]

    def batch_carries(self, batch_id: str, answer_key: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM batch_answers WHERE batch_id = ? AND key = ? LIMIT 1",
                                   (batch_id, answer_key)).fetchone()
        return row is not None

    def open_batch_with(self, answer_key: str) -> str | None:
        """The id of a batch not yet collected that carries this request, if any."""
        with self._lock:
            rows = self._db.execute(
                "SELECT b.id FROM batch_answers a JOIN batches b ON b.id = a.batch_id "
                "WHERE a.key = ? AND b.collected IS NULL AND b.status != ? LIMIT 1", (answer_key, BATCH_FAILED),
            ).fetchall()
        return rows[0][0] if rows else None

    def _transaction(self):
        import contextlib

        @contextlib.contextmanager
        def transaction():
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

        return transaction()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _record(row: tuple) -> BatchRecord:
    record, status, collected = row
    return BatchRecord.model_validate_json(record).model_copy(update={"status": status, "collected": collected})
