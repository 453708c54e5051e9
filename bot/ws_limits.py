"""Limits of the web chat socket beyond one connection (``/ws``):

- messages per conversation (``ws_messages_per_10s``), whatever number of sockets send them,
  and per client address (``ws_messages_per_address_per_min``, generous: carrier NAT puts many
  customers behind one address) — both in Redis (``kefu.ratelimit``), shared by every gateway
  process;
- open sockets per client address over every gateway process (``ws_max_per_address``;
  ``kefu.socket_cap``: counted in Redis with leases that each process renews, so a killed
  process's sockets stop counting within a minute), on top of the per-process
  ``ws_max_connections``.
The client address is the socket peer unless it is a trusted proxy (``kefu.client_ip``)."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from kefu.client_ip import parse_trusted_proxies
from kefu.ratelimit import RateLimiter
from kefu.socket_cap import SocketCap

__all__ = ["WsLimits"]


class WsLimits:
    def __init__(self, redis: Redis, settings: Any) -> None:
        self.settings = settings
        self.proxies = parse_trusted_proxies(settings.trusted_proxies)
        self.per_conversation = RateLimiter(redis, window_s=10)
        self.per_address = RateLimiter(redis, window_s=60)
        self.sockets = SocketCap(redis)

    def address(self, request: Any) -> str:
        return self.proxies.of_request(request)

    async def admit(self, address: str) -> str | None:
        """Count a new socket from ``address``: its ticket, or None (not counted) when the
        address has too many open over every gateway."""
        return await self.sockets.admit(address, self.settings.ws_max_per_address)

    async def release(self, address: str, ticket: str) -> None:
        await self.sockets.release(address, ticket)

    async def message(self, conversation_id: str, address: str) -> int:
        """Count one customer message; 0 when allowed, else seconds until one would be."""
        wait = await self.per_conversation.hit(
            f"ws:conv:{conversation_id}", self.settings.ws_messages_per_10s
        )
        if wait:
            return wait
        return await self.per_address.hit(
            f"ws:addr:{address}", self.settings.ws_messages_per_address_per_min
        )
