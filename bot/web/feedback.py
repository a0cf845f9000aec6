"""The feedback log: thumbs up/down on answers, one JSON object per line, nothing lost.

Each vote is one ``os.write`` of a whole line to a file opened with ``O_APPEND`` under an
exclusive ``flock``, so concurrent writers (threads or processes) never interleave. A crash
mid-write can leave at most one incomplete last line; ``read`` skips it with a warning.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

VOTES = ("up", "down")


class FeedbackError(Exception):
    """The vote could not be stored (bad record, or the disk refused the write)."""


class FeedbackLog:
    """Append-only JSON Lines file of votes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict) -> dict:
        """Store one vote; adds ``time`` (UTC ISO 8601). Raises ``FeedbackError`` on failure."""
        if record.get("vote") not in VOTES:
            raise FeedbackError("vote must be 'up' or 'down'")
        entry = {**record, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
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
