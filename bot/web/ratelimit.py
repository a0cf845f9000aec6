"""Per-client rate limiting through the ``limits`` library (in memory by default; its Redis
storage lets several server replicas share one budget per client)."""

from __future__ import annotations

import logging
import time

from limits import RateLimitItemPerSecond
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from bot.settings import SettingsError

log = logging.getLogger(__name__)


class RateLimiter:
    """Allows ``per_minute`` requests per client on average, in bursts of up to ``burst``.

    ``check(client)`` returns ``None`` when the request may proceed, else the seconds to wait
    (for a ``Retry-After`` header). ``per_minute=0`` disables limiting. Counters expire with
    their window, so memory holds only clients seen in the last two windows.
    """

    def __init__(self, per_minute: int, *, burst: int | None = None, storage: str = "memory://"):
        self.enabled = per_minute > 0
        if not self.enabled:
            return
        burst = max(1, min(burst or per_minute, per_minute))
        # ``burst`` requests per the time ``per_minute`` takes to earn them: the same average
        # rate, with no burst larger than ``burst``.
        self.item = RateLimitItemPerSecond(burst, max(1, round(60 * burst / per_minute)))
        try:
            self.storage = storage_from_string(storage)
        except ConfigurationError as exc:  # the Redis client is not installed
            raise SettingsError(
                f"ZHEN_RATE_LIMIT_STORAGE needs the Redis client: pip install 'zhen[redis]' ({exc})"
            ) from exc
        self._limiter = SlidingWindowCounterRateLimiter(self.storage)

    def check(self, client: str) -> float | None:
        if not self.enabled:
            return None
        try:
            if self._limiter.hit(self.item, client):
                return None
            reset = self._limiter.get_window_stats(self.item, client).reset_time
        except Exception as exc:
            # A shared store that is down must not take the service down with it: answer,
            # unlimited, until it is back.
            log.warning("rate-limit storage unavailable, not limiting: %s", exc)
            return None
        # a refused request always has a wait: a shared store keeps reset times in whole
        # seconds, so the one it reports may already have passed by now
        return max(0.01, reset - time.time())
