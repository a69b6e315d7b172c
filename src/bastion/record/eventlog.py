"""The event log: every input message and every decision, append-only, in SQLite.

One table, ``events(seq, t, kind, payload)``: ``seq`` is the order of arrival, ``t`` the message or event
time (s from the scenario epoch), ``kind`` its type (``input.*`` for inputs, ``run.*`` for run metadata,
``sim.*`` for simulation-only truth records, anything else an engine event) and ``payload`` its fields as
JSON. Triggers refuse any UPDATE or DELETE, so what is recorded stays recorded. Rows are committed in
small batches, so a crash loses at most the last batch.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    t REAL NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_kind ON events (kind);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
"""


class EventLog:
    """Append-only writer (and reader) of one event log file."""

    def __init__(self, path: str | Path, commit_every: int = 500) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path)
        self._db.executescript(SCHEMA)
        self._pending: list[tuple[float, str, str]] = []
        self._commit_every = commit_every

    def append(self, t: float, kind: str, payload: dict[str, Any]) -> None:
        self._pending.append((float(t), kind, json.dumps(payload, separators=(",", ":"), allow_nan=True)))
        if len(self._pending) >= self._commit_every:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            with self._db:
                self._db.executemany("INSERT INTO events (t, kind, payload) VALUES (?, ?, ?)", self._pending)
            self._pending.clear()

    def close(self) -> None:
        self.flush()
        self._db.close()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_events(path: str | Path, kind_prefix: str = "") -> Iterator[tuple[int, float, str, dict]]:
    """(seq, t, kind, payload) rows of a log in order, optionally only kinds starting ``kind_prefix``."""
    db = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT seq, t, kind, payload FROM events WHERE kind LIKE ? ORDER BY seq", (kind_prefix + "%",)
        )
        for seq, t, kind, payload in rows:
            yield seq, t, kind, json.loads(payload)
    finally:
        db.close()
