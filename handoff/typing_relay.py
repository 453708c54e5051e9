"""Typing indicators between a web customer and the agent who owns the chat.

Typing signals are ephemeral: they travel over Redis pub/sub (channel
``kefu:typing:{<conversation id>}``, payload ``{"from": "agent"|"customer", "on": bool}``) and
are never appended to the conversation's event log, so nothing replays them after a reconnect
and no archive holds them. A signal carries no names: the customer learns only that "someone"
is typing, the agent only that the customer is.

Each process keeps one ``TypingHub``: one pub/sub connection for all of its sockets, which
subscribe per conversation and receive signals in a bounded ``asyncio.Queue`` (a slow socket
loses typing signals, never anything else). ``TypingThrottle`` decides, per connection, which
signals are worth publishing, so neither side can flood Redis by hammering keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from sanic import Blueprint, Sanic

from kefu import redis_keys as keys
from kefu.logging import get_logger
from kefu.redis_client import as_text, async_client, raise_if_cancelled

log = get_logger(__name__)

Side = Literal["agent", "customer"]
SIDES: frozenset[str] = frozenset({"agent", "customer"})
REFRESH_S = 1.0  # an "on" is published at most once a second per conversation and connection
BURST = 8  # … and at most this many signals per connection in any BURST_WINDOW_S
BURST_WINDOW_S = 10.0
QUEUE_SIZE = 32
PUBSUB_POOL = 4  # Redis connections of a process's hub


def channel(conversation_id: str) -> str:
    return keys.typing_channel(conversation_id)


@dataclass(frozen=True)
class Typing:
    conversation_id: str
    side: Side
    on: bool


class TypingThrottle:
    """Which typing signals of one connection to publish.

    ``start(key)`` says whether an "on" for ``key`` (a conversation) is due: not more often than
    every ``refresh_s`` and within a token bucket of ``burst`` per ``window_s``. The caller then
    checks whether it may publish at all and, if it did, calls ``published(key)``. ``stop(key)``
    says whether an "off" is owed: only after a published "on"."""

    def __init__(
        self,
        refresh_s: float | None = None,
        burst: int = BURST,
        window_s: float = BURST_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.refresh_s = REFRESH_S if refresh_s is None else refresh_s
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.fill = burst / window_s
        self.clock = clock
        self.at = clock()
        self._on: dict[str, tuple[float, bool]] = {}  # key → (last "on" seen, published)

    def _take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.fill)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def start(self, key: str) -> bool:
        now = self.clock()
        last = self._on.get(key)
        if last is not None and now - last[0] < self.refresh_s:
            return False
        if not self._take(now):
            return False
        self._on[key] = (now, last[1] if last is not None else False)
        return True

    def published(self, key: str) -> None:
        at, _ = self._on.get(key, (self.clock(), False))
        self._on[key] = (at, True)

    def stop(self, key: str) -> bool:
        last = self._on.pop(key, None)
        return last is not None and last[1]


class TypingHub:
    """Publish typing signals and deliver the ones of subscribed conversations to local queues."""

    def __init__(self, redis: Redis, *, owns_client: bool = False) -> None:
        self._redis = redis
        self._owns_client = owns_client
        self._pubsub: PubSub | None = None
        self._listeners: dict[str, set[asyncio.Queue[Typing]]] = {}
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    def from_url(cls, url: str, client_name: str | None = None) -> TypingHub:
        # one connection for the subscriptions, the rest for publishing
        client = async_client(
            url, decode_responses=False, bounded=PUBSUB_POOL, client_name=client_name
        )
        return cls(client, owns_client=True)

    async def publish(self, conversation_id: str, side: Side, on: bool) -> None:
        payload = json.dumps({"from": side, "on": bool(on)}, separators=(",", ":"))
        await self._redis.publish(channel(conversation_id), payload)

    async def listen(self, conversation_id: str, queue: asyncio.Queue[Typing]) -> None:
        """Deliver the conversation's typing signals to ``queue`` until ``unlisten``."""
        async with self._lock:
            queues = self._listeners.setdefault(conversation_id, set())
            first = not queues
            queues.add(queue)
            if first:
                if self._pubsub is None:
                    self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                try:
                    await self._pubsub.subscribe(channel(conversation_id))
                except BaseException:
                    queues.discard(queue)
                    if not queues:
                        del self._listeners[conversation_id]
                    raise
            if self._reader is None or self._reader.done():
                self._reader = asyncio.get_running_loop().create_task(self._read())

    async def unlisten(self, conversation_id: str, queue: asyncio.Queue[Typing]) -> None:
        async with self._lock:
            queues = self._listeners.get(conversation_id)
            if not queues or queue not in queues:
                return
            queues.discard(queue)
            if queues:
                return
            del self._listeners[conversation_id]
            if self._pubsub is not None:
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(channel(conversation_id))

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        if self._owns_client:
            await self._redis.aclose()

    async def _read(self) -> None:
        assert self._pubsub is not None
        while True:
            raise_if_cancelled()
            try:
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=5.0
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis hiccup: redis-py reconnects and resubscribes
                log.warning("typing relay read failed", error=repr(exc))
                await asyncio.sleep(1.0)
                continue
            if message is not None and message.get("type") == "message":
                self._dispatch(message.get("channel"), message.get("data"))

    def _dispatch(self, raw_channel: Any, raw_data: Any) -> None:
        name = as_text(raw_channel)
        conversation_id = keys.typing_conversation(name)
        if conversation_id is None:
            return
        try:
            data = json.loads(raw_data)
        except (TypeError, ValueError):
            return
        if not isinstance(data, dict) or data.get("from") not in SIDES:
            return
        signal = Typing(conversation_id, data["from"], data.get("on") is True)
        for queue in list(self._listeners.get(conversation_id, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(signal)


def serve_typing_hub(bp: Blueprint) -> None:
    """Give the server that mounts ``bp`` its ``TypingHub`` as ``app.ctx.typing`` (from
    ``app.ctx.settings.redis_url``), opened when it starts and closed when it stops. The hub has
    its own Redis client: its pub/sub connection lives as long as the server."""

    @bp.before_server_start
    async def open_typing_hub(app: Sanic) -> None:
        app.ctx.typing = TypingHub.from_url(app.ctx.settings.redis_url, app.name)

    @bp.after_server_stop
    async def close_typing_hub(app: Sanic) -> None:
        hub = getattr(app.ctx, "typing", None)
        if hub is not None:
            await hub.close()
