"""The practice history: every `coach practice` attempt, in a local SQLite file (an edge).

The file is `history.sqlite` in the platform's user data folder (COACH_DATA_DIR overrides).
Nothing here grades: attempts come in as critiques and go out as rows.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coach.models import Critique

FILE_NAME = "history.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,            -- ISO 8601, UTC
    question_id TEXT,            -- the bank's id; NULL for a question given as text
    question TEXT NOT NULL,
    role TEXT,
    answer TEXT NOT NULL,
    score INTEGER NOT NULL,
    ratings TEXT NOT NULL,       -- JSON: criterion -> 1-5
    engine TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Attempt:
    at: str
    question_id: str | None
    question: str
    role: str | None
    answer: str
    score: int
    ratings: dict[str, int]
    engine: str


def data_dir() -> Path:
    configured = os.environ.get("COACH_DATA_DIR")
    if configured:
        return Path(configured)
    import platformdirs  # only practice and progress pay for it

    return Path(platformdirs.user_data_dir("coach", appauthor=False))


class History:
    def __init__(self, folder: Path | None = None):
        folder = folder or data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self._db = sqlite3.connect(self.path)
        self._db.execute(_SCHEMA)

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc) -> None:
        self._db.close()

    def record(self, critique: Critique, answer: str, question: str, question_id: str | None, role: str | None,
               at: datetime | None = None) -> Attempt:
        when = (at or datetime.now(UTC)).isoformat(timespec="seconds")
        attempt = Attempt(when, question_id, question, role, answer, critique.score, dict(critique.ratings), critique.engine)
        with self._db:
            self._db.execute(
                "INSERT INTO attempts (at, question_id, question, role, answer, score, ratings, engine) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (attempt.at, question_id, question, role, answer, attempt.score, json.dumps(attempt.ratings), attempt.engine),
            )
        return attempt

    def attempts(self) -> list[Attempt]:
        rows = self._db.execute(
            "SELECT at, question_id, question, role, answer, score, ratings, engine FROM attempts ORDER BY at, id"
        ).fetchall()
        return [Attempt(at, qid, q, role, answer, score, json.loads(ratings), engine) for at, qid, q, role, answer, score, ratings, engine in rows]

    def recent_question_ids(self, limit: int) -> list[str]:
        rows = self._db.execute(
            "SELECT question_id FROM attempts WHERE question_id IS NOT NULL ORDER BY at DESC, id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [qid for (qid,) in rows]
