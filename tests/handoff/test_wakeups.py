"""Waiting for conversation events through the per-process wake-up readers (handoff.wakeups):
one reader per partition whatever the number of waiters, every waiter woken by its own
conversation's events, and an event whose announcement was lost still delivered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from handoff.conversation import Conversations
from handoff.wakeups import PARTITIONS, WakeHub, blocking_client, partition, wait_events
from kefu import redis_keys as keys
from kefu.redis_client import async_client


@pytest.fixture
async def hub(redis_url: str) -> AsyncIterator[WakeHub]:
    client = blocking_client(redis_url)
    wakeups = WakeHub(client, block_ms=200)
    yield wakeups
    await wakeups.close()
    await client.aclose()


async def test_many_waiters_share_one_reader_per_partition(redis_url: str, hub: WakeHub):
    pooled = async_client(redis_url, bounded=16)  # as the gateway's: waits for a connection
    conversations = Conversations(pooled)
    convs = [f"wake-{i}" for i in range(200)]
    for conv in convs:
        await conversations.append(conv, "message", {"from": "customer", "text": "hi"})
    waits = [asyncio.ensure_future(wait_events(conversations, hub, conv, 1, 60)) for conv in convs]
    for _ in range(300):  # until the waiters are listening
        if hub.readers:
            break
        await asyncio.sleep(0.1)
    assert 0 < hub.readers <= PARTITIONS
    assert {partition(c) for c in convs} == set(range(PARTITIONS))
    for conv in convs:
        await conversations.append(conv, "message", {"from": "agent", "text": conv})
    got = await asyncio.wait_for(asyncio.gather(*waits), 60)
    assert [[(e.seq, e.data["text"]) for e in events] for events in got] == [
        [(2, conv)] for conv in convs
    ]
    for _ in range(100):  # readers without waiters stop after their current read
        if hub.readers == 0:
            break
        await asyncio.sleep(0.1)
    assert hub.readers == 0
    await pooled.aclose()


async def test_an_event_whose_wake_up_was_lost_is_still_delivered(redis: Redis, hub: WakeHub):
    conversations = Conversations(redis)
    await conversations.append("lost-wake", "message", {"from": "customer", "text": "hi"})
    waiting = asyncio.ensure_future(wait_events(conversations, hub, "lost-wake", 1, 600))
    await asyncio.sleep(0.3)
    # the writer died between the append and the announcement: the event is there, unannounced
    fields: Any = {"type": "message", "data": '{"from":"agent","text":"late"}', "ts": "1"}
    await redis.xadd(keys.conv_events("lost-wake"), fields, id="2-0")
    events = await asyncio.wait_for(waiting, 60)
    assert [(e.seq, e.data["text"]) for e in events] == [(2, "late")]
