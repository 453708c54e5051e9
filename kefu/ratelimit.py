"""Rate limits in Redis over a moving window, shared by every process.

One limiter for every "at most N in the last W seconds" rule. Each scope keeps the times of its
accepted hits in a sorted set (at most N members): a hit is allowed when fewer than N fall in
the last W seconds, so a burst at the end of one minute and the start of the next counts as one
burst (a fixed window would let 2 N through). The key expires after W seconds without hits.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable

from redis.asyncio import Redis

from kefu import redis_keys as keys

__all__ = ["RateLimiter"]

# KEYS[1] the scope's sorted set; ARGV: now (ms), window (ms), limit, member.
# Returns 0 when the hit is counted, else the ms until the oldest counted hit leaves the window.
_HIT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""


class RateLimiter:
    """``hit(scope, limit)``: at most ``limit`` hits per ``window_s`` in each scope."""

    def __init__(
        self, redis: Redis, window_s: float = 60, clock: Callable[[], float] = time.time
    ) -> None:
        self._redis = redis
        self._window_ms = int(window_s * 1000)
        self._clock = clock
        self._hit = redis.register_script(_HIT)

    async def hit(self, scope: str, limit: int) -> int:
        """Count one hit in ``scope``; 0 if allowed, else whole seconds until one is (≥ 1).
        A limit of 0 or less means no limit."""
        if limit <= 0:
            return 0
        now_ms = int(self._clock() * 1000)
        wait_ms = int(
            await self._hit(
                keys=[keys.rate_limit(scope)],
                args=[now_ms, self._window_ms, limit, f"{now_ms}-{secrets.token_hex(4)}"],
            )
        )
        return 0 if wait_ms <= 0 else max(1, math.ceil(wait_ms / 1000))
