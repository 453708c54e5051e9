"""A conversation's event log: appending to it (each event with its seq, atomically; or only while
the conversation has a given owner), reading it, waiting for it, and announcing new events of
watched conversations on their channel's outbox stream. Part of
``handoff.conversation.Conversations``, which changes the owner."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from redis.asyncio import Redis, RedisCluster

from handoff.states import (
    OUTBOX_MAXLEN,
    STREAM_MAXLEN,
    Event,
    Owner,
    TransitionRefused,
    check_conversation_id,
)
from handoff.wakeups import announce
from kefu import redis_keys as keys
from kefu.redis_client import as_text


def state_key(conversation_id: str) -> str:
    return keys.conv_state(conversation_id)


def events_key(conversation_id: str) -> str:
    return keys.conv_events(conversation_id)


class EventLog:
    _redis: Redis
    _append: Any
    _append_if: Any

    async def append(
        self, conversation_id: str, type_: str, data: dict[str, Any], **state: str
    ) -> int:
        """Append one event; optional ``state`` fields (e.g. channel) are stored alongside."""
        check_conversation_id(conversation_id)
        args: list[str] = [type_, dumps(data), repr(time.time()), str(STREAM_MAXLEN)]
        for key, value in state.items():
            if key in {"owner", "agent", "seq"}:
                raise ValueError(f"{key} changes only through transition()")
            args += [key, value]
        result = await self._append(
            keys=[state_key(conversation_id), events_key(conversation_id)], args=args
        )
        seq = int(result[0])
        await self._notify(conversation_id, as_text(result[1]), seq)
        return seq

    async def append_if(
        self,
        conversation_id: str,
        type_: str,
        data: dict[str, Any],
        *,
        owner: Owner | None = None,
        agent: str = "",
        dedupe: str = "",
        first_response: bool = False,
        **state: str,
    ) -> tuple[int, bool]:
        """Append only while the conversation has ``owner`` (and ``agent``); atomically.

        ``dedupe`` (e.g. a client message id) makes a retried call a no-op that returns the
        first call's seq: the result is ``(seq, created)``. Optional ``state`` fields are
        stored alongside, as with ``append``. Raises TransitionRefused (with the
        current owner and agent) when the owner is not as expected."""
        check_conversation_id(conversation_id)
        args = [
            type_,
            dumps(data),
            repr(time.time()),
            str(STREAM_MAXLEN),
            "" if owner is None else str(owner),
            agent,
            "1" if dedupe else "0",
            str(24 * 3600),
            "1" if first_response else "0",
        ]
        for key, value in state.items():
            if key in {"owner", "agent", "group", "seq"}:
                raise ValueError(f"{key} changes only through transition()")
            args += [key, value]
        result = await self._append_if(
            keys=[
                state_key(conversation_id),
                events_key(conversation_id),
                keys.conv_dedupe(conversation_id, dedupe),
            ],
            args=args,
        )
        seq = int(result[0])
        if seq == 0:
            raise TransitionRefused(
                conversation_id, Owner(as_text(result[1])), owner or Owner.BOT, as_text(result[2])
            )
        if seq == -1:
            return int(as_text(result[3])), False
        await self._notify(conversation_id, as_text(result[3]), seq)
        if first_response:
            # The SLA timer is in the routing slot; if this step is lost, the SLA monitor sees
            # first_response_at on the state and drops the timer itself.
            await self._redis.zrem(keys.sla_due(), conversation_id)
        return seq, True

    async def watch(self, conversation_id: str, channel: str, address: str) -> None:
        """Announce the conversation's events on ``channel``'s outbox stream (with ``address``,
        e.g. a WeChat openid), or stop announcing when ``channel`` is empty."""
        key = state_key(check_conversation_id(conversation_id))
        if channel:
            await self._redis.hset(key, mapping={"outbox": channel, "outbox_to": address})
        else:
            await self._redis.hdel(key, "outbox", "outbox_to")

    async def _notify(self, conversation_id: str, channel: str, seq: int) -> None:
        """A new event: announced on its wake stream (``handoff.wakeups``) and, for a watched
        conversation, one entry on its channel's outbox stream. Both streams are in other
        slots, so these are further steps: a lost wake-up is caught by the waiters' periodic
        re-check; a lost outbox entry goes out with the conversation's next event (delivery
        sends everything after its cursor)."""
        await announce(self._redis, conversation_id, seq)
        if channel:
            await self._redis.xadd(
                keys.outbox(channel),
                {"conversation_id": conversation_id, "seq": str(seq)},
                maxlen=OUTBOX_MAXLEN,
                approximate=True,
            )

    async def events(self, conversation_id: str, after: int = 0, limit: int = 200) -> list[Event]:
        raw: Any = await self._redis.xrange(
            events_key(check_conversation_id(conversation_id)),
            min=f"({after}-0" if after > 0 else "-",
            max="+",
            count=limit,
        )
        return [_event(entry_id, fields) for entry_id, fields in raw]

    async def recent(self, conversation_id: str, limit: int = 20) -> list[Event]:
        """The conversation's latest ``limit`` events, newest first."""
        raw: Any = await self._redis.xrevrange(
            events_key(check_conversation_id(conversation_id)), count=limit
        )
        return [_event(entry_id, fields) for entry_id, fields in raw]

    async def wait_events(
        self, conversation_id: str, after: int, timeout_s: float, limit: int = 200
    ) -> list[Event]:
        """Events after ``after``; if none yet, block up to ``timeout_s`` for the next ones.
        One blocking connection per caller while it waits: servers wait through
        ``handoff.wakeups.wait_events`` instead (a bounded number of connections)."""
        found = await self.events(conversation_id, after, limit)
        if found or timeout_s <= 0:
            return found
        raw: Any = await self._redis.xread(
            {events_key(conversation_id): f"{after}-0"},
            count=limit,
            block=max(1, int(timeout_s * 1000)),
        )
        out: list[Event] = []
        for _key, entries in raw or []:
            out.extend(_event(entry_id, fields) for entry_id, fields in entries)
        return out

    async def wait_any(self, cursors: dict[str, int], timeout_s: float) -> set[str]:
        """Block up to ``timeout_s`` until one of the conversations has an event after its
        cursor; → the ids of those that have. One XREAD on one Redis; on a cluster, where
        the streams live in different slots, one XREAD per stream and the first answer wins."""
        if not cursors:
            return set()
        block = max(1, int(timeout_s * 1000))
        streams: dict[Any, Any] = {events_key(c): f"{n}-0" for c, n in cursors.items()}
        if not isinstance(self._redis, RedisCluster):
            found: Any = await self._redis.xread(streams, count=1, block=block)
            return {_conversation_of(key) for key, _entries in found or []}
        reads = [
            asyncio.ensure_future(self._redis.xread({key: after}, count=1, block=block))
            for key, after in streams.items()
        ]
        done, waiting = await asyncio.wait(reads, return_when=asyncio.FIRST_COMPLETED)
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        woke: set[str] = set()
        for task in done:
            woke |= {_conversation_of(key) for key, _entries in task.result() or []}
        return woke


def _conversation_of(stream_key: Any) -> str:
    return keys.conversation_of(as_text(stream_key))


def _event(entry_id: Any, fields: dict[Any, Any]) -> Event:
    values = {as_text(k): as_text(v) for k, v in fields.items()}
    return Event(
        seq=int(as_text(entry_id).split("-", 1)[0]),
        type=values.get("type", ""),
        data=json.loads(values.get("data", "{}")),
        ts=float(values.get("ts", 0)),
    )


def dumps(data: dict[str, Any]) -> str:
    """An event's data as stored: compact JSON, Chinese as it is."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
