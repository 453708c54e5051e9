"""Open connections per client address, counted in Redis across every process.

One rule next to ``kefu.ratelimit``: at most N open sockets per scope (a client address), over
all gateway processes. Each open socket is a member of the scope's sorted set, scored by when
its lease lapses. Its process renews the leases of all its open sockets every ``RENEW_S``; a
process that is killed renews nothing, so its sockets stop counting after ``LEASE_S`` at the
latest (lapsed members are dropped at the next admission) — nothing leaks.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections.abc import Callable

from redis.asyncio import Redis

from kefu import redis_keys as keys
from kefu.logging import get_logger
from kefu.redis_client import raise_if_cancelled

__all__ = ["LEASE_S", "RENEW_S", "SocketCap"]

log = get_logger(__name__)

LEASE_S = 60.0  # an open socket counts this long after its process last renewed it
RENEW_S = 15.0

# KEYS[1] the scope's sorted set; ARGV: now (ms), lease (ms), limit, member. → 1 admitted, 0 not
_ADMIT = """
local now, lease, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then return 0 end
redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
redis.call('PEXPIRE', KEYS[1], lease)
return 1
"""

# KEYS[1] the scope's sorted set; ARGV: lapse time (ms), lease (ms), members…
_RENEW = """
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""


class SocketCap:
    """``admit(scope, limit)`` → a ticket (or None: over the limit); ``release(scope, ticket)``
    when the socket closes; ``run()`` renews this process's tickets until cancelled."""

    def __init__(
        self, redis: Redis, lease_s: float = LEASE_S, clock: Callable[[], float] = time.time
    ) -> None:
        self._redis = redis
        self._lease_ms = int(lease_s * 1000)
        self._clock = clock
        self._admit = redis.register_script(_ADMIT)
        self._renew = redis.register_script(_RENEW)
        self._process = secrets.token_hex(6)
        self._serial = itertools.count(1)
        self._open: dict[str, set[str]] = {}

    async def admit(self, scope: str, limit: int) -> str | None:
        """Count one open socket in ``scope``; None (not counted) when it has ``limit``."""
        ticket = f"{self._process}:{next(self._serial)}"
        if limit > 0:
            now_ms = int(self._clock() * 1000)
            args: list[int | str] = [now_ms, self._lease_ms, limit, ticket]
            if not int(await self._admit(keys=[keys.ws_sockets(scope)], args=args)):
                return None
        self._open.setdefault(scope, set()).add(ticket)
        return ticket

    async def release(self, scope: str, ticket: str) -> None:
        tickets = self._open.get(scope)
        if tickets is not None:
            tickets.discard(ticket)
            if not tickets:
                del self._open[scope]
        await self._redis.zrem(keys.ws_sockets(scope), ticket)

    async def renew(self) -> None:
        """Extend the lease of every socket this process has open."""
        lapse_ms = int(self._clock() * 1000) + self._lease_ms
        for scope, tickets in list(self._open.items()):
            if tickets:
                args: list[int | str] = [lapse_ms, self._lease_ms, *sorted(tickets)]
                await self._renew(keys=[keys.ws_sockets(scope)], args=args)

    async def run(self, every_s: float = RENEW_S) -> None:
        while True:
            await asyncio.sleep(every_s)
            raise_if_cancelled()
            try:
                await self.renew()
            except Exception as exc:  # Redis away: renewed next time (leases outlast a few)
                log.warning("socket lease renewal failed", error=repr(exc))
