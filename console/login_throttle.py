"""Login throttling in Redis, shared by every staff console.

Per account: after ``ACCOUNT_FREE`` failures within ``WINDOW_S`` the next attempt must wait
``BASE_DELAY_S`` doubling with each further failure, capped at ``WINDOW_S`` — never a permanent
lockout, so nobody can lock an agent out for good. Attempts refused with 429 do not count.
Per client address: at most ``ADDRESS_LIMIT`` failures within ``WINDOW_S``.
A successful login clears the account's failures."""

from __future__ import annotations

import math
import time
from typing import Any

from redis.asyncio import Redis

from kefu import redis_keys as keys
from kefu.errors import ApiError
from kefu.redis_client import as_text

WINDOW_S = 15 * 60
ACCOUNT_FREE = 5
BASE_DELAY_S = 30
ADDRESS_LIMIT = 50


account_key = keys.login_failures_account
address_key = keys.login_failures_address


def delay_after(failures: int) -> float:
    """Seconds to wait after ``failures`` failed attempts (0 while under the free ones)."""
    if failures < ACCOUNT_FREE:
        return 0.0
    return float(min(WINDOW_S, BASE_DELAY_S * 2 ** (failures - ACCOUNT_FREE)))


class LoginThrottle:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def check(self, username: str, address: str) -> None:
        """429 with ``retry_after`` when this attempt must wait."""
        now = time.time()
        wait = 0.0
        stamps = await self.redis.zrangebyscore(account_key(username), now - WINDOW_S, "+inf")
        if stamps:
            last = max(_score(s) for s in stamps)
            wait = last + delay_after(len(stamps)) - now
        addr_failures = await self.redis.zcount(address_key(address), now - WINDOW_S, "+inf")
        if addr_failures >= ADDRESS_LIMIT:
            oldest = await self.redis.zrangebyscore(
                address_key(address), now - WINDOW_S, "+inf", start=0, num=1
            )
            wait = max(wait, _score(oldest[0]) + WINDOW_S - now if oldest else WINDOW_S)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                429,
                "too_many_attempts",
                f"too many failed logins; try again in {seconds} s",
                retry_after=seconds,
            )

    async def failed(self, username: str, address: str) -> None:
        now = time.time()
        for key in (account_key(username), address_key(address)):
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zadd(key, {repr(now): now})
                pipe.zremrangebyscore(key, "-inf", now - WINDOW_S)
                pipe.expire(key, WINDOW_S)
                await pipe.execute()

    async def succeeded(self, username: str) -> None:
        await self.redis.delete(account_key(username))


def _score(member: Any) -> float:
    """Members are the failure's timestamp (its score, too)."""
    return float(as_text(member))
