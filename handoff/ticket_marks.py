"""Knowing "this conversation has no open ticket" without asking SQL.

Every bot-owned customer message asks whether its conversation has an open ticket (the line then
joins the ticket's log, ``QueueService.add_to_open_ticket``); almost none has one. The answer
"none" is remembered in Redis (``kefu.redis_keys.conv_ticket_mark``, a hash):

- ``gen`` counts the times a ticket was linked to the conversation or reopened on it: every
  path that does so calls ``ticket_linked`` after its SQL commit (``create_ticket``'s callers —
  the handoff's ticket, a message left in the queue, a ticket opened by hand —, and a state
  change into an open state);
- ``none`` is the ``gen`` read *before* a SQL look-up that found no open ticket, stored only if
  ``gen`` is still the same (``lua/ticket_none.lua``).

"None" is known while ``none == gen``; anything else — no mark (a Redis flush, older data, the
mark's expiry), or a link since — means SQL is asked again. A link that commits while a look-up
runs either is seen by that look-up or bumps ``gen`` before the look-up's mark is stored (then
the mark is refused). The mark expires after ``TTL_S``, so even a link whose ``ticket_linked``
was lost (Redis unreachable at that moment) is seen by SQL within that time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from redis.asyncio import Redis

from handoff.lua import load
from kefu import redis_keys as keys
from kefu.redis_client import text_or_empty

TTL_S = 600

T = TypeVar("T")


async def open_ticket(
    redis: Redis, conversation_id: str, look_up: Callable[[], Awaitable[T | None]]
) -> T | None:
    """The conversation's open ticket by ``look_up`` (SQL), or None without asking SQL when
    the mark says there is none."""
    key = keys.conv_ticket_mark(conversation_id)
    gen, none = (text_or_empty(v) for v in await redis.hmget(key, ["gen", "none"]))
    if none and none == (gen or "-"):
        return None
    found = await look_up()
    if found is None:
        # "-" stands for "no gen yet" (an empty field would read as "no mark").
        await redis.eval(load("ticket_none"), 1, key, gen or "-", TTL_S)
    return found


async def ticket_linked(redis: Redis, conversation_ids: Iterable[str]) -> None:
    """A ticket was linked to these conversations or reopened on them (after the commit):
    their "no open ticket" marks stop counting."""
    ids = [c for c in dict.fromkeys(conversation_ids) if c]
    if not ids:
        return
    async with redis.pipeline(transaction=False) as pipe:
        for conversation_id in ids:
            key = keys.conv_ticket_mark(conversation_id)
            pipe.hincrby(key, "gen", 1)
            pipe.expire(key, TTL_S)
        await pipe.execute()
