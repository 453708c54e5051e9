"""Open sockets per address over every process (kefu.socket_cap): shared in Redis, freed on
release, and a killed process's sockets stop counting once their leases lapse unrenewed."""

from __future__ import annotations

from redis.asyncio import Redis

from kefu.socket_cap import LEASE_S, SocketCap


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_processes_share_the_count_and_release_frees(redis: Redis):
    one, two = SocketCap(redis), SocketCap(redis)
    first = await one.admit("203.0.113.7", 2)
    assert first is not None
    assert await two.admit("203.0.113.7", 2) is not None
    assert await two.admit("203.0.113.7", 2) is None
    assert await one.admit("198.51.100.9", 2) is not None  # another address: its own count
    await one.release("203.0.113.7", first)
    assert await two.admit("203.0.113.7", 2) is not None


async def test_a_killed_process_stops_counting_when_its_leases_lapse(redis: Redis):
    clock = Clock()
    alive, killed = SocketCap(redis, clock=clock), SocketCap(redis, clock=clock)
    assert await alive.admit("203.0.113.7", 2) is not None
    assert await killed.admit("203.0.113.7", 2) is not None
    assert await alive.admit("203.0.113.7", 2) is None
    clock.now += LEASE_S * 0.75
    await alive.renew()  # the living process renews; the killed one never does again
    clock.now += LEASE_S * 0.5
    assert await alive.admit("203.0.113.7", 2) is not None  # the killed one's lapsed
    assert await alive.admit("203.0.113.7", 2) is None  # the renewed one still counts
