"""A conversation's state and event log in Redis, and the ownership state machine.

Keys (the ``{id}`` hash tag keeps one conversation's keys in one Redis Cluster slot):

- ``kefu:conv:{<id>}:state`` — hash: ``owner``, ``agent``, ``group``, ``seq``, ``channel``,
  ``customer_id``, ``updated_at``.
- ``kefu:conv:{<id>}:events`` — stream; entry ids are ``<seq>-0`` so that clients resume with
  "everything after seq N" and long-poll with XREAD.

Every ownership change is one Lua script that checks the current owner, writes the new one and
appends the transition event, so a message is never routed to two owners or to none. This
module is the only writer of these keys; the gateway and the staff console both call it.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
STREAM_MAXLEN = 5000  # events kept per conversation in Redis; everything is archived on close


class Owner(StrEnum):
    BOT = "bot"
    QUEUED = "queued"
    AGENT = "agent"
    CLOSED = "closed"


# The allowed transitions of the design: bot → queued → agent → closed, plus agent → queued
# (transfer to a group), agent → agent (transfer to a colleague), agent → bot (hand back),
# queued → bot (customer gives up), queued → closed (left a message), closed → bot (the customer
# writes again) and bot → closed (an idle bot conversation ends).
TRANSITIONS: dict[Owner, frozenset[Owner]] = {
    Owner.BOT: frozenset({Owner.QUEUED, Owner.CLOSED}),
    Owner.QUEUED: frozenset({Owner.AGENT, Owner.BOT, Owner.CLOSED}),
    Owner.AGENT: frozenset({Owner.CLOSED, Owner.QUEUED, Owner.AGENT, Owner.BOT}),
    Owner.CLOSED: frozenset({Owner.BOT}),
}


class InvalidConversationId(ValueError):
    pass


class TransitionRefused(Exception):
    """The conversation was not in a state that allows the requested change."""

    def __init__(self, conversation_id: str, current: Owner, wanted: Owner, agent: str) -> None:
        super().__init__(f"{conversation_id}: {current} → {wanted} not allowed")
        self.conversation_id = conversation_id
        self.current = current
        self.wanted = wanted
        self.agent = agent


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    data: dict[str, Any]
    ts: float

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "ts": self.ts, **self.data}


@dataclass(frozen=True)
class ConversationState:
    conversation_id: str
    owner: Owner
    agent: str = ""
    group: str = ""
    seq: int = 0
    channel: str = ""
    customer_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# KEYS[1] state hash, KEYS[2] events stream
# ARGV: type, data-json, ts, maxlen, then field/value pairs to HSET on the state
_APPEND = """
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if redis.call('HEXISTS', KEYS[1], 'owner') == 0 then
  redis.call('HSET', KEYS[1], 'owner', 'bot')
end
local n = #ARGV
for i = 5, n, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0',
           'type', ARGV[1], 'data', ARGV[2], 'ts', ARGV[3])
return seq
"""

# KEYS[1] state, KEYS[2] events
# ARGV[1] allowed current owners (comma list), ARGV[2] new owner, ARGV[3] new agent,
# ARGV[4] expected current agent ('' = any), ARGV[5] event type, ARGV[6] data-json,
# ARGV[7] ts, ARGV[8] maxlen, ARGV[9] new group ('-' = keep)
_TRANSITION = """
local cur = redis.call('HGET', KEYS[1], 'owner') or 'bot'
local cur_agent = redis.call('HGET', KEYS[1], 'agent') or ''
local ok = false
for s in string.gmatch(ARGV[1], '[^,]+') do if s == cur then ok = true end end
if (not ok) or (ARGV[4] ~= '' and ARGV[4] ~= cur_agent) then
  return {0, cur, cur_agent}
end
redis.call('HSET', KEYS[1], 'owner', ARGV[2], 'agent', ARGV[3], 'updated_at', ARGV[7])
if ARGV[9] ~= '-' then redis.call('HSET', KEYS[1], 'group', ARGV[9]) end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], seq .. '-0',
           'type', ARGV[5], 'data', ARGV[6], 'ts', ARGV[7])
return {seq, cur, cur_agent}
"""


def check_conversation_id(conversation_id: str) -> str:
    if not CONVERSATION_ID.match(conversation_id):
        raise InvalidConversationId(
            "conversation id must be 1-128 characters of letters, digits and _.:@-"
        )
    return conversation_id


def state_key(conversation_id: str) -> str:
    return f"kefu:conv:{{{conversation_id}}}:state"


def events_key(conversation_id: str) -> str:
    return f"kefu:conv:{{{conversation_id}}}:events"


class Conversations:
    """The public API over conversation state and events. Built once per process."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._append = redis.register_script(_APPEND)
        self._transition = redis.register_script(_TRANSITION)

    async def state(self, conversation_id: str) -> ConversationState:
        raw = await self._redis.hgetall(state_key(check_conversation_id(conversation_id)))
        values = {_s(k): _s(v) for k, v in raw.items()}
        known = {"owner", "agent", "group", "seq", "channel", "customer_id"}
        return ConversationState(
            conversation_id=conversation_id,
            owner=Owner(values.get("owner", Owner.BOT)),
            agent=values.get("agent", ""),
            group=values.get("group", ""),
            seq=int(values.get("seq", 0)),
            channel=values.get("channel", ""),
            customer_id=values.get("customer_id", ""),
            extra={k: v for k, v in values.items() if k not in known},
        )

    async def append(
        self, conversation_id: str, type_: str, data: dict[str, Any], **state: str
    ) -> int:
        """Append one event; optional ``state`` fields (e.g. channel) are stored alongside."""
        check_conversation_id(conversation_id)
        args: list[str] = [type_, _dumps(data), repr(time.time()), str(STREAM_MAXLEN)]
        for key, value in state.items():
            if key in {"owner", "agent", "seq"}:
                raise ValueError(f"{key} changes only through transition()")
            args += [key, value]
        seq = await self._append(
            keys=[state_key(conversation_id), events_key(conversation_id)], args=args
        )
        return int(seq)

    async def transition(
        self,
        conversation_id: str,
        allowed_from: set[Owner] | frozenset[Owner],
        to: Owner,
        event_type: str,
        data: dict[str, Any] | None = None,
        *,
        agent: str = "",
        expect_agent: str = "",
        group: str | None = None,
    ) -> int:
        """Move the owner atomically; raises TransitionRefused if the current owner is not in
        ``allowed_from`` (or the current agent is not ``expect_agent``)."""
        check_conversation_id(conversation_id)
        legal = {src for src in allowed_from if to in TRANSITIONS[src]}
        if not legal:
            raise ValueError(f"no legal transition into {to} from {sorted(allowed_from)}")
        payload = {"owner": str(to), **({"agent": agent} if agent else {}), **(data or {})}
        result = await self._transition(
            keys=[state_key(conversation_id), events_key(conversation_id)],
            args=[
                ",".join(sorted(legal)),
                str(to),
                agent,
                expect_agent,
                event_type,
                _dumps(payload),
                repr(time.time()),
                str(STREAM_MAXLEN),
                "-" if group is None else group,
            ],
        )
        seq, current, current_agent = int(result[0]), _s(result[1]), _s(result[2])
        if seq == 0:
            raise TransitionRefused(conversation_id, Owner(current), to, current_agent)
        return seq

    async def events(
        self, conversation_id: str, after: int = 0, limit: int = 200
    ) -> list[Event]:
        raw = await self._redis.xrange(
            events_key(check_conversation_id(conversation_id)),
            min=f"({after}-0" if after > 0 else "-",
            max="+",
            count=limit,
        )
        return [_event(entry_id, fields) for entry_id, fields in raw]

    async def wait_events(
        self, conversation_id: str, after: int, timeout_s: float, limit: int = 200
    ) -> list[Event]:
        """Events after ``after``; if none yet, block up to ``timeout_s`` for the next ones."""
        found = await self.events(conversation_id, after, limit)
        if found or timeout_s <= 0:
            return found
        raw = await self._redis.xread(
            {events_key(conversation_id): f"{after}-0"},
            count=limit,
            block=max(1, int(timeout_s * 1000)),
        )
        out: list[Event] = []
        for _key, entries in raw or []:
            out.extend(_event(entry_id, fields) for entry_id, fields in entries)
        return out


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _event(entry_id: Any, fields: dict[Any, Any]) -> Event:
    values = {_s(k): _s(v) for k, v in fields.items()}
    return Event(
        seq=int(_s(entry_id).split("-", 1)[0]),
        type=values.get("type", ""),
        data=json.loads(values.get("data", "{}")),
        ts=float(values.get("ts", 0)),
    )
