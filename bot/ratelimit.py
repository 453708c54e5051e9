"""Fixed-window rate limits in Redis, shared by every gateway process."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from kefu import redis_keys as keys

# KEYS[1] counter; ARGV[1] window seconds → the count after this hit
_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class RateLimiter:
    def __init__(self, redis: Redis, window_s: int = 60) -> None:
        self._redis = redis
        self._window = window_s
        self._hit = redis.register_script(_HIT)

    async def hit(self, scope: str, limit: int) -> int:
        """Count one request in ``scope``; 0 if allowed, else seconds until the window ends."""
        if limit <= 0:
            return 0
        now = time.time()
        window = int(now // self._window)
        count = int(
            await self._hit(keys=[keys.rate_counter(scope, window)], args=[self._window + 1])
        )
        if count <= limit:
            return 0
        return max(1, int((window + 1) * self._window - now + 0.999))
