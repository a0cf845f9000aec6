"""First come, first served answering slots.

``threading.Semaphore`` wakes waiters in no particular order, so under load some requests
wait far longer than others; a FIFO queue keeps the tail latency close to the mean.
"""

from __future__ import annotations

import threading
from collections import deque


class FairSlots:
    """A counting semaphore that hands free slots to waiters in arrival order."""

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._lock = threading.Lock()
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, timeout: float | None = None) -> bool:
        """Take a slot, waiting at most ``timeout`` seconds; False when none came in time."""
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed a slot just as the wait timed out
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().set()  # the slot passes straight to the next waiter
            else:
                self._free += 1
