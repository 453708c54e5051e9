"""The typing relay: ephemeral signals over real Redis pub/sub between two processes' hubs, and
the per-connection throttle that keeps a typist from flooding Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff.typing_relay import Typing, TypingHub, TypingThrottle, channel


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def subscribed(redis: Redis, conversation_id: str, count: int = 1) -> None:
    """Wait until Redis counts ``count`` subscribers of the conversation's typing channel."""
    for _ in range(200):
        ((_name, n),) = await redis.pubsub_numsub(channel(conversation_id))
        if n >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"nobody subscribed to {channel(conversation_id)}")


async def next_signal(queue: asyncio.Queue[Typing]) -> Typing:
    return await asyncio.wait_for(queue.get(), 10)


@pytest.fixture
async def hubs(redis_url: str) -> AsyncIterator[tuple[TypingHub, TypingHub]]:
    """Two hubs with their own connections, as a gateway and a staff console would have."""
    a, b = TypingHub.from_url(redis_url), TypingHub.from_url(redis_url)
    yield a, b
    await a.close()
    await b.close()


def test_throttle_publishes_on_once_per_refresh_and_off_only_after_a_published_on():
    clock = Clock()
    t = TypingThrottle(refresh_s=1.0, burst=100, window_s=10.0, clock=clock)
    assert t.start("c1") is True
    t.published("c1")
    assert [t.start("c1") for _ in range(50)] == [False] * 50  # a burst of keystrokes
    clock.now += 1.0
    assert t.start("c1") is True  # the refresh while still typing
    t.published("c1")
    assert t.stop("c1") is True
    assert t.stop("c1") is False  # one "off" per "on"
    # an "on" that was checked but not published (e.g. the bot owns the chat) owes no "off"
    clock.now += 5
    assert t.start("c2") is True
    assert t.stop("c2") is False
    # keys are independent
    clock.now += 5
    assert t.start("a") is True and t.start("b") is True


def test_throttle_bounds_on_off_toggling_with_a_bucket():
    clock = Clock()
    t = TypingThrottle(refresh_s=1.0, burst=4, window_s=10.0, clock=clock)
    published = 0
    for _ in range(100):  # on, off, on, off … as fast as a script can
        if t.start("c"):
            t.published("c")
            published += 1
        if t.stop("c"):
            published += 1
    assert published == 2 * 4
    clock.now += 2.5  # the bucket refills at burst / window_s per second
    assert t.start("c") is True
    assert t.start("d") is False


async def test_signals_cross_processes_and_leave_nothing_in_redis(
    hubs: tuple[TypingHub, TypingHub], redis: Redis
):
    gateway, console = hubs
    to_agent: asyncio.Queue[Typing] = asyncio.Queue(8)
    other: asyncio.Queue[Typing] = asyncio.Queue(8)
    await console.listen("web-a", to_agent)
    await console.listen("web-b", other)
    await subscribed(redis, "web-a")
    await subscribed(redis, "web-b")
    await gateway.publish("web-a", "customer", True)
    await gateway.publish("web-a", "customer", False)
    assert await next_signal(to_agent) == Typing("web-a", "customer", True)
    assert await next_signal(to_agent) == Typing("web-a", "customer", False)
    assert other.empty()
    # ephemeral: no key, no stream, no event was written for it
    assert await redis.keys("*") == []

    # after unlisten nothing more arrives (a later signal of another chat proves the order)
    await console.unlisten("web-a", to_agent)
    await gateway.publish("web-a", "customer", True)
    await gateway.publish("web-b", "agent", True)
    assert await next_signal(other) == Typing("web-b", "agent", True)
    assert to_agent.empty()


async def test_many_listeners_of_one_chat_and_junk_on_the_channel(
    hubs: tuple[TypingHub, TypingHub], redis: Redis
):
    gateway, console = hubs
    first: asyncio.Queue[Typing] = asyncio.Queue(8)
    second: asyncio.Queue[Typing] = asyncio.Queue(8)
    await gateway.listen("web-x", first)
    await gateway.listen("web-x", second)
    await subscribed(redis, "web-x")
    assert (await redis.pubsub_numsub(channel("web-x")))[0][1] == 1  # one connection per hub
    await redis.publish(channel("web-x"), b"not json")
    await redis.publish(channel("web-x"), b'{"from": "admin", "on": true}')
    await console.publish("web-x", "agent", True)
    assert await next_signal(first) == Typing("web-x", "agent", True)
    assert await next_signal(second) == Typing("web-x", "agent", True)
    # one listener leaving keeps the subscription for the other
    await gateway.unlisten("web-x", first)
    await console.publish("web-x", "agent", False)
    assert await next_signal(second) == Typing("web-x", "agent", False)
    await gateway.unlisten("web-x", second)
    for _ in range(200):
        if (await redis.pubsub_numsub(channel("web-x")))[0][1] == 0:
            break
        await asyncio.sleep(0.02)
    assert (await redis.pubsub_numsub(channel("web-x")))[0][1] == 0
