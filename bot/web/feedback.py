"""The feedback log: thumbs up/down on answers, nothing lost.

By default one JSON object per line in a local file: each vote is one ``os.write`` of a whole
line to a file opened with ``O_APPEND`` under an exclusive ``flock``, so concurrent writers
(threads or processes) never interleave. A crash mid-write can leave at most one incomplete
last line; ``read`` skips it with a warning. Replicas on several machines write to one
PostgreSQL table instead (``ZHEN_FEEDBACK_URL``), each vote in its own transaction.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

VOTES = ("up", "down")


class FeedbackError(Exception):
    """The vote could not be stored (bad record, or the disk refused the write)."""


class Feedback(Protocol):
    def append(self, record: dict) -> dict: ...

    def read(self) -> list[dict]: ...


def open_feedback(path: Path, url: str | None = None) -> Feedback:
    """The shared PostgreSQL table at ``url`` when given, else the local file ``path``."""
    return PostgresFeedback(url) if url else FeedbackLog(path)


def _entry(record: dict) -> dict:
    if record.get("vote") not in VOTES:
        raise FeedbackError("vote must be 'up' or 'down'")
    return {**record, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


class PostgresFeedback:
    """Votes as rows of one PostgreSQL table (``zhen_feedback``), created on first use."""

    TABLE = "zhen_feedback"

    def __init__(self, url: str) -> None:
        self.url = url
        self._table_ready = False  # created (if missing) once per process, not per vote

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            import psycopg  # the postgres extra; only a shared feedback store needs it
        except ImportError as exc:
            raise FeedbackError(
                "ZHEN_FEEDBACK_URL needs the PostgreSQL client: pip install 'zhen[postgres]'"
            ) from exc
        try:
            with psycopg.connect(self.url, connect_timeout=5) as conn:
                if not self._table_ready:
                    conn.execute(
                        f"CREATE TABLE IF NOT EXISTS {self.TABLE} "
                        "(id bigserial PRIMARY KEY, entry jsonb NOT NULL)"
                    )
                cursor = conn.execute(sql, params)
                rows = cursor.fetchall() if cursor.description else []
            self._table_ready = True
            return rows
        except psycopg.Error as exc:
            raise FeedbackError(f"could not store feedback in the database: {exc}") from exc

    def append(self, record: dict) -> dict:
        entry = _entry(record)
        self._run(
            f"INSERT INTO {self.TABLE} (entry) VALUES (%s::jsonb)",
            (json.dumps(entry, ensure_ascii=False),),
        )
        return entry

    def read(self) -> list[dict]:
        return [row[0] for row in self._run(f"SELECT entry FROM {self.TABLE} ORDER BY id")]


class FeedbackLog:
    """Append-only JSON Lines file of votes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict) -> dict:
        """Store one vote; adds ``time`` (UTC ISO 8601). Raises ``FeedbackError`` on failure."""
        entry = _entry(record)
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    _repair_tail(fd)
                    written = os.write(fd, line)
                    if written != len(line):
                        raise OSError(f"short write ({written} of {len(line)} bytes)")
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as exc:
            raise FeedbackError(f"could not write feedback to {self.path}: {exc}") from exc
        return entry

    def read(self) -> list[dict]:
        """All intact votes, in order; incomplete or corrupt lines are skipped with a warning."""
        if not self.path.exists():
            return []
        entries: list[dict] = []
        with self.path.open("rb") as f:
            for number, raw in enumerate(f, 1):
                try:
                    if not raw.endswith(b"\n"):
                        raise ValueError("incomplete last line")
                    entry = json.loads(raw.decode("utf-8"))
                    if not isinstance(entry, dict):
                        raise ValueError("not an object")
                except (ValueError, UnicodeDecodeError) as exc:
                    log.warning("%s line %d skipped: %s", self.path, number, exc)
                    continue
                entries.append(entry)
        return entries


def _repair_tail(fd: int) -> None:
    """After a crash mid-write the file may end without a newline: end that line first,
    so the torn line stays one (skipped) line instead of corrupting the next vote."""
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        os.write(fd, b"\n")
