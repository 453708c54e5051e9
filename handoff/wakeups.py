"""Waiting for a conversation's next event with a bounded number of Redis connections.

A blocking read per waiting socket (XREAD BLOCK on the conversation's stream) costs one Redis
connection per socket, and one XREAD over many conversations' streams is not allowed on a
Redis Cluster (each conversation has its own slot). Instead every event append also announces
``(conversation id, seq)`` on one of ``PARTITIONS`` wake streams (``kefu.redis_keys.wake_stream``,
chosen by a hash of the id; a second step after the append, whose Lua stays in the
conversation's slot). Each process runs one reader task per partition that it has waiters in —
so at most ``PARTITIONS`` blocking connections, whatever the number of sockets — and wakes the
local waiters of the announced conversation, which then read their own stream from their own
cursor with an ordinary pooled command.

Nothing is lost to a lost wake-up (a process that died between the append and the
announcement, a wake stream trimmed while a reader was behind, Redis unreachable for a while):
a waiter re-reads its stream every ``RECHECK_S`` seconds anyway. Wake-ups only make delivery
prompt; each waiter's cursor makes it exactly once and in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from binascii import crc32
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis

from kefu import redis_keys as keys
from kefu.logging import get_logger
from kefu.redis_client import as_text, async_client, raise_if_cancelled

log = get_logger(__name__)

# Fixed for every kefu process (writers and readers must agree on it): a process holds at most
# this many blocking Redis connections for waiting on conversations.
PARTITIONS = 8
WAKE_MAXLEN = 10_000  # entries kept per wake stream (approximately)
BLOCK_MS = 5_000  # one blocking read of a wake stream; a reader with no waiters left then stops
RECHECK_S = 5.0  # a waiter re-reads its stream at least this often (a lost wake-up)


def blocking_client(redis_url: str, client_name: str | None = None) -> Any:
    """The client for a process's blocking reads: the partition readers and one more (the
    WeChat outbox's consumer group read), in a pool that never grows beyond them."""
    return async_client(
        redis_url,
        decode_responses=False,
        socket_timeout=BLOCK_MS / 1000 + 10,
        bounded=PARTITIONS + 1,
        client_name=client_name,
    )


def partition(conversation_id: str) -> int:
    return crc32(conversation_id.encode()) % PARTITIONS


async def announce(redis: Redis, conversation_id: str, seq: int) -> None:
    """Tell every process's readers that ``conversation_id`` has event ``seq``."""
    await redis.xadd(
        keys.wake_stream(partition(conversation_id)),
        {"c": conversation_id, "s": str(seq)},
        maxlen=WAKE_MAXLEN,
        approximate=True,
    )


class Waiter:
    """What one waiting task hears: the conversations announced since it last looked."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.woke: set[str] = set()

    def wake(self, conversation_id: str) -> None:
        self.woke.add(conversation_id)
        self.event.set()

    def take(self) -> set[str]:
        """The conversations announced since the last call (and forget them)."""
        woke, self.woke = self.woke, set()
        self.event.clear()
        return woke

    async def wait(self, timeout_s: float) -> None:
        raise_if_cancelled()  # a command may have swallowed it; waiting on would outlive us
        # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, timeout_s)):
                await self.event.wait()


class WakeHub:
    """One per process: the partition readers and the local waiters they wake.

    ``redis`` is a client whose socket timeout is above ``BLOCK_MS`` and whose pool has room
    for ``PARTITIONS`` connections (each running reader holds one while it blocks)."""

    def __init__(self, redis: Redis, block_ms: int = BLOCK_MS) -> None:
        self._redis = redis
        self._block_ms = block_ms
        self._waiters: dict[str, set[Waiter]] = {}
        self._counts = [0] * PARTITIONS
        self._readers: dict[int, asyncio.Task[None]] = {}
        self._ready: dict[int, asyncio.Event] = {}
        self._closing = False

    @property
    def readers(self) -> int:
        """Partition readers running now (each holds one blocking connection)."""
        return len(self._readers)

    async def add(self, conversation_id: str, waiter: Waiter) -> None:
        """Wake ``waiter`` on every event of the conversation announced from now on.

        Returns once the partition's reader has its starting point, so an event appended
        after this returns is announced to it (unless Redis is unreachable: then after
        ``RECHECK_S`` anyway, and the waiter's re-check covers the gap)."""
        waiters = self._waiters.setdefault(conversation_id, set())
        if waiter in waiters:
            return
        waiters.add(waiter)
        part = partition(conversation_id)
        self._counts[part] += 1
        if part not in self._readers:
            self._ready[part] = asyncio.Event()
            self._readers[part] = asyncio.get_running_loop().create_task(self._read(part))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(RECHECK_S):
                await self._ready[part].wait()

    def discard(self, conversation_id: str, waiter: Waiter) -> None:
        waiters = self._waiters.get(conversation_id)
        if waiters is None or waiter not in waiters:
            return
        waiters.discard(waiter)
        if not waiters:
            del self._waiters[conversation_id]
        self._counts[partition(conversation_id)] -= 1

    @contextlib.asynccontextmanager
    async def listening(self, *conversation_ids: str) -> AsyncIterator[Waiter]:
        waiter = Waiter()
        try:
            for conv_id in conversation_ids:
                await self.add(conv_id, waiter)
            yield waiter
        finally:
            for conv_id in conversation_ids:
                self.discard(conv_id, waiter)

    async def close(self) -> None:
        self._closing = True  # (redis-py may swallow a cancellation mid-command)
        tasks = list(self._readers.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._readers.clear()

    async def _read(self, part: int) -> None:
        key = keys.wake_stream(part)
        cursor = ""
        try:
            while self._counts[part] > 0 and not self._closing:
                try:
                    if not cursor:
                        last: Any = await self._redis.xrevrange(key, count=1)
                        cursor = as_text(last[0][0]) if last else "0-0"
                        self._ready[part].set()
                    found: Any = await self._redis.xread(
                        {key: cursor}, count=1000, block=self._block_ms
                    )
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # waiters re-check on their own meanwhile
                    log.warning("wake-up reader failed", partition=part, error=repr(exc))
                    await asyncio.sleep(1.0)
                    continue
                for _key, entries in found or []:
                    for entry_id, fields in entries:
                        cursor = as_text(entry_id)
                        conv_id = as_text(fields.get(b"c", fields.get("c", "")))
                        for waiter in list(self._waiters.get(conv_id, ())):
                            waiter.wake(conv_id)
        finally:
            if self._readers.get(part) is asyncio.current_task():
                del self._readers[part]
                self._ready.pop(part, None)


async def wait_events(
    conversations: Any, hub: WakeHub, conversation_id: str, after: int, timeout_s: float
) -> list[Any]:
    """The conversation's events after ``after``; if none yet, wait up to ``timeout_s`` for
    the next ones (woken by ``hub``, re-checking every ``RECHECK_S``). ``conversations`` is a
    ``handoff.conversation.Conversations`` on a pooled, non-blocking client."""
    found: list[Any] = await conversations.events(conversation_id, after)
    if found or timeout_s <= 0:
        return found
    deadline = time.monotonic() + timeout_s
    async with hub.listening(conversation_id) as waiter:
        while True:
            waiter.take()  # before the read: an announcement after it wakes the wait below
            found = await conversations.events(conversation_id, after)
            left = deadline - time.monotonic()
            if found or left <= 0:
                return found
            await waiter.wait(min(left, RECHECK_S))


async def follow(
    conversations: Any, hub: WakeHub, conversation_id: str, after: int, limit: int = 200
) -> AsyncIterator[list[Any]]:
    """Every event of the conversation after ``after``, batch by batch, as they come (a
    socket's push loop): one read per announcement, and one every ``RECHECK_S`` besides."""
    async with hub.listening(conversation_id) as waiter:
        last = after
        while True:
            waiter.take()  # before the read: an announcement after it ends the wait below
            found: list[Any] = await conversations.events(conversation_id, last, limit)
            if found:
                last = found[-1].seq
                yield found
                if len(found) == limit:
                    continue  # more are there already
            await waiter.wait(RECHECK_S)
