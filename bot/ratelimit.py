"""Per-client rate limiting: a token bucket per client key, thread-safe."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class RateLimiter:
    """Allows ``per_minute`` requests per client on average, with bursts up to ``burst``.

    ``check(client)`` returns ``None`` when the request may proceed, else the seconds to wait
    (for a ``Retry-After`` header). ``per_minute=0`` disables limiting.
    """

    def __init__(
        self,
        per_minute: int,
        *,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(1, per_minute))
        self._clock = clock
        # client -> (tokens, last time), least recently seen first
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_clients = max_clients

    def check(self, client: str) -> float | None:
        if self.rate <= 0:
            return None
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                allowed = None
            else:
                self._buckets[client] = (tokens, now)
                allowed = (1.0 - tokens) / self.rate
            self._buckets.move_to_end(client)
            while len(self._buckets) > self._max_clients:
                # Bounded memory: forget the client seen longest ago (at worst it gets a
                # fresh bucket, i.e. one burst more).
                self._buckets.popitem(last=False)
        return allowed
