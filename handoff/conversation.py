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

    def __init__(
        self,
        conversation_id: str,
        current: Owner,
        wanted: Owner,
        agent: str,
        reason: str = "refused",
    ) -> None:
        super().__init__(f"{conversation_id}: {current} → {wanted} not allowed ({reason})")
        self.conversation_id = conversation_id
        self.current = current
        self.wanted = wanted
        self.agent = agent
        # "refused" (owner/agent not as expected), "agent_full" or "agent_unavailable"
        self.reason = reason


@dataclass(frozen=True)
class Moved:
    """The result of a transition: the new event's seq, who had it before, queue position."""

    seq: int
    previous: Owner
    previous_agent: str
    position: int = 0


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

# Conditional append: only while the owner/agent are as expected; optional dedupe key so a
# retried request (same client message id) is recorded once.
# KEYS[1] state, KEYS[2] events
# ARGV: type, data-json, ts, maxlen, owner wanted ('' any), agent wanted ('' any),
#       dedupe key ('' none), dedupe ttl seconds, first-response flag ('1' clears the SLA timer)
_APPEND_IF = """
local st = redis.call('HMGET', KEYS[1], 'owner', 'agent')
local owner = st[1] or 'bot'
local agent = st[2] or ''
if (ARGV[5] ~= '' and ARGV[5] ~= owner) or (ARGV[6] ~= '' and ARGV[6] ~= agent) then
  return {0, owner, agent}
end
if ARGV[7] ~= '' then
  local prior = redis.call('GET', ARGV[7])
  if prior then return {-1, owner, agent, prior} end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if st[1] == false then redis.call('HSET', KEYS[1], 'owner', 'bot') end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0',
           'type', ARGV[1], 'data', ARGV[2], 'ts', ARGV[3])
if ARGV[7] ~= '' then redis.call('SET', ARGV[7], seq, 'EX', tonumber(ARGV[8])) end
if ARGV[9] == '1' then
  if redis.call('HEXISTS', KEYS[1], 'first_response_at') == 0 then
    redis.call('HSET', KEYS[1], 'first_response_at', ARGV[3])
  end
  redis.call('ZREM', 'kefu:sla:due', string.match(KEYS[1], '^kefu:conv:{(.*)}:state$'))
end
return {seq, owner, agent}
"""

# The one ownership move, shared by every script that changes an owner. It keeps the queues
# (kefu:queue:<group> sorted sets), each agent's chats and load, and the per-group sets of
# online agents (kefu:agents:<group>, scored by load / capacity) consistent with the owner.
_MOVE_LIB = """
local function conv_keys(id)
  return 'kefu:conv:{' .. id .. '}:state', 'kefu:conv:{' .. id .. '}:events'
end

local function refresh_agent(agent)
  local ak = 'kefu:agent:' .. agent
  local v = redis.call('HMGET', ak, 'status', 'capacity', 'groups')
  local cap = tonumber(v[2] or '0') or 0
  local load = redis.call('SCARD', ak .. ':chats')
  redis.call('HSET', ak, 'load', load)
  for g in string.gmatch(v[3] or '', '[^,]+') do
    if v[1] == 'online' and cap > 0 then
      redis.call('ZADD', 'kefu:agents:' .. g, load / cap, agent)
    else
      redis.call('ZREM', 'kefu:agents:' .. g, agent)
    end
  end
end

-- returns {seq, previous owner, previous agent, status, position}
local function move(id, allowed, to, new_agent, expect_agent, etype, data, ts, maxlen,
                    new_group, score, check_cap, eta_per_position)
  local sk, ek = conv_keys(id)
  local st = redis.call('HMGET', sk, 'owner', 'agent', 'group')
  local cur = st[1] or 'bot'
  local cur_agent = st[2] or ''
  local cur_group = st[3] or ''
  local ok = false
  for s in string.gmatch(allowed, '[^,]+') do if s == cur then ok = true end end
  if (not ok) or (expect_agent ~= '' and expect_agent ~= cur_agent) then
    return {0, cur, cur_agent, 'refused', 0}
  end
  local agent_name = ''
  if to == 'agent' then
    local v = redis.call('HMGET', 'kefu:agent:' .. new_agent, 'status', 'capacity', 'name')
    agent_name = v[3] or new_agent
    if check_cap == '1' then
      if v[1] ~= 'online' then return {0, cur, cur_agent, 'agent_unavailable', 0} end
      local load = redis.call('SCARD', 'kefu:agent:' .. new_agent .. ':chats')
      if load >= (tonumber(v[2] or '0') or 0) then return {0, cur, cur_agent, 'agent_full', 0} end
    end
  end
  local group = cur_group
  if new_group ~= '-' then group = new_group end
  if cur == 'queued' and cur_group ~= '' then
    redis.call('ZREM', 'kefu:queue:' .. cur_group, id)
  end
  if cur == 'agent' and cur_agent ~= '' then
    redis.call('SREM', 'kefu:agent:' .. cur_agent .. ':chats', id)
    refresh_agent(cur_agent)
  end
  redis.call('HSET', sk, 'owner', to, 'agent', new_agent, 'group', group, 'updated_at', ts)
  local position = 0
  local payload = data
  if to == 'agent' then
    redis.call('SADD', 'kefu:agent:' .. new_agent .. ':chats', id)
    refresh_agent(new_agent)
    redis.call('HSET', sk, 'assigned_at', ts)
    local d = cjson.decode(data)
    if d['agent_name'] == nil then d['agent_name'] = agent_name end
    payload = cjson.encode(d)
  elseif to == 'queued' then
    local sc = ts
    if score ~= '' then sc = score end
    redis.call('ZADD', 'kefu:queue:' .. group, sc, id)
    redis.call('HSET', sk, 'queued_at', ts)
    position = redis.call('ZRANK', 'kefu:queue:' .. group, id) + 1
    local d = cjson.decode(data)
    if d['position'] ~= nil then
      d['position'] = position
      d['eta_seconds'] = math.ceil(position * (tonumber(eta_per_position) or 0))
      redis.call('HSET', sk, 'q_pos', position, 'q_eta', d['eta_seconds'])
      payload = cjson.encode(d)
    end
  end
  if to == 'bot' or to == 'closed' then redis.call('ZREM', 'kefu:sla:due', id) end
  if to == 'closed' then redis.call('SADD', 'kefu:archive:pending', id) end
  local seq = redis.call('HINCRBY', sk, 'seq', 1)
  redis.call('XADD', ek, 'MAXLEN', '~', maxlen, seq .. '-0',
             'type', etype, 'data', payload, 'ts', ts)
  return {seq, cur, cur_agent, 'ok', position}
end
"""

# KEYS[1] state, KEYS[2] events (declared for clarity; the library derives them from the id)
# ARGV: id, allowed owners (comma list), new owner, new agent, expected agent ('' = any),
#       event type, data-json, ts, maxlen, new group ('-' = keep), queue score ('' = ts),
#       check capacity ('1'/'0'), ETA seconds per queue position
_TRANSITION = (
    _MOVE_LIB
    + """
return move(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9],
            ARGV[10], ARGV[11], ARGV[12], ARGV[13])
"""
)

# Auto-routing: the head of a group's queue to the least-loaded online agent of the group with
# room, in one step. ARGV: group, data-json of the 'accepted' event, ts, maxlen.
# Returns {} when there is nothing to do, else {conversation id, agent, seq}.
_ASSIGN_NEXT = (
    _MOVE_LIB
    + """
local g = ARGV[1]
for _ = 1, 50 do
  local agents = redis.call('ZRANGEBYSCORE', 'kefu:agents:' .. g, '-inf', '(1', 'LIMIT', 0, 1)
  if #agents == 0 then return {} end
  local head = redis.call('ZRANGE', 'kefu:queue:' .. g, 0, 0)
  if #head == 0 then return {} end
  local id = head[1]
  local sk = conv_keys(id)
  local st = redis.call('HMGET', sk, 'owner', 'group')
  if st[1] ~= 'queued' or st[2] ~= g then
    redis.call('ZREM', 'kefu:queue:' .. g, id)  -- stale entry
  else
    local d = cjson.decode(ARGV[2])
    d['agent'] = agents[1]
    local r = move(id, 'queued', 'agent', agents[1], '', 'accepted', cjson.encode(d), ARGV[3],
                   ARGV[4], '-', '', '1', '0')
    if r[1] ~= 0 then return {id, agents[1], r[1]} end
    refresh_agent(agents[1])  -- its load or status was stale; try again
  end
end
return {}
"""
)

# Refresh an agent's presence in the per-group sets after a status/profile change.
_REFRESH_AGENT = (
    _MOVE_LIB
    + """
refresh_agent(ARGV[1])
return redis.call('HGET', 'kefu:agent:' .. ARGV[1], 'load')
"""
)


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
        self._append_if = redis.register_script(_APPEND_IF)
        self._transition = redis.register_script(_TRANSITION)
        self._assign_next = redis.register_script(_ASSIGN_NEXT)
        self._refresh_agent = redis.register_script(_REFRESH_AGENT)

    @property
    def redis(self) -> Redis:
        return self._redis

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
        queue_score: float | None = None,
        check_capacity: bool = False,
        eta_per_position: float = 0.0,
    ) -> int:
        """Move the owner atomically; raises TransitionRefused if the current owner is not in
        ``allowed_from`` (or the current agent is not ``expect_agent``, or — with
        ``check_capacity`` — the new agent is not online with room)."""
        moved = await self.move(
            conversation_id,
            allowed_from,
            to,
            event_type,
            data,
            agent=agent,
            expect_agent=expect_agent,
            group=group,
            queue_score=queue_score,
            check_capacity=check_capacity,
            eta_per_position=eta_per_position,
        )
        return moved.seq

    async def move(
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
        queue_score: float | None = None,
        check_capacity: bool = False,
        eta_per_position: float = 0.0,
    ) -> Moved:
        """Like ``transition`` but returns the whole result (previous owner, queue position).

        Moving into ``queued`` adds the conversation to ``kefu:queue:<group>`` (score
        ``queue_score``, default now); if ``data`` has a ``position`` key it is filled with the
        real place in the queue, and ``eta_seconds`` with place × ``eta_per_position``.
        Leaving ``queued`` removes it from its queue; leaving ``agent`` frees a slot of that
        agent; moving into ``closed`` marks the conversation for archiving."""
        check_conversation_id(conversation_id)
        legal = {src for src in allowed_from if to in TRANSITIONS[src]}
        if not legal:
            raise ValueError(f"no legal transition into {to} from {sorted(allowed_from)}")
        if to is Owner.AGENT and not agent:
            raise ValueError("a move to an agent needs the agent")
        if to is Owner.QUEUED and group is None:
            group = (await self.state(conversation_id)).group or "default"
        payload = {"owner": str(to), **({"agent": agent} if agent else {}), **(data or {})}
        now = time.time()
        result = await self._transition(
            keys=[state_key(conversation_id), events_key(conversation_id)],
            args=[
                conversation_id,
                ",".join(sorted(legal)),
                str(to),
                agent,
                expect_agent,
                event_type,
                _dumps(payload),
                repr(now),
                str(STREAM_MAXLEN),
                "-" if group is None else group,
                "" if queue_score is None else repr(queue_score),
                "1" if check_capacity else "0",
                repr(eta_per_position),
            ],
        )
        seq, current, current_agent = int(result[0]), _s(result[1]), _s(result[2])
        if seq == 0:
            raise TransitionRefused(
                conversation_id, Owner(current), to, current_agent, _s(result[3])
            )
        return Moved(seq, Owner(current), current_agent, int(result[4]))

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
    ) -> tuple[int, bool]:
        """Append only while the conversation has ``owner`` (and ``agent``); atomically.

        ``dedupe`` (e.g. a client message id) makes a retried call a no-op that returns the
        first call's seq: the result is ``(seq, created)``. Raises TransitionRefused (with the
        current owner and agent) when the owner is not as expected."""
        check_conversation_id(conversation_id)
        dedupe_key = f"kefu:conv:{{{conversation_id}}}:dedupe:{dedupe}" if dedupe else ""
        result = await self._append_if(
            keys=[state_key(conversation_id), events_key(conversation_id)],
            args=[
                type_,
                _dumps(data),
                repr(time.time()),
                str(STREAM_MAXLEN),
                "" if owner is None else str(owner),
                agent,
                dedupe_key,
                str(24 * 3600),
                "1" if first_response else "0",
            ],
        )
        seq = int(result[0])
        if seq == 0:
            raise TransitionRefused(
                conversation_id, Owner(_s(result[1])), owner or Owner.BOT, _s(result[2])
            )
        if seq == -1:
            return int(_s(result[3])), False
        return seq, True

    async def assign_next(
        self, group: str, data: dict[str, Any] | None = None
    ) -> tuple[str, str, int] | None:
        """Give the head of ``group``'s queue to its least-loaded online agent with room, in
        one atomic step. Returns (conversation id, agent, seq) or None if nothing to do."""
        payload = {"owner": str(Owner.AGENT), **(data or {})}
        result = await self._assign_next(
            args=[group, _dumps(payload), repr(time.time()), str(STREAM_MAXLEN)]
        )
        if not result:
            return None
        return _s(result[0]), _s(result[1]), int(result[2])

    async def refresh_agent(self, username: str) -> int:
        """Re-derive an agent's load and its place in the per-group routing sets."""
        return int(_s(await self._refresh_agent(args=[username]) or 0))

    async def events(self, conversation_id: str, after: int = 0, limit: int = 200) -> list[Event]:
        raw: Any = await self._redis.xrange(
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
        raw: Any = await self._redis.xread(
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
