"""Routing tables in Redis: queues, agents' chats and presence — kept in step with ownership.

The owner of a conversation lives with the conversation (``{conv:<id>}`` slot, written only by
``handoff.conversation``); the routing tables live in the ``{handoff}`` slot (see
``kefu.redis_keys``). A Lua script touches one slot, so an ownership move is three steps:

1. **begin** (``{handoff}``): record the step in ``pending`` and reserve where the conversation
   goes — the new agent's slot, checked against capacity and counted in their load at once, or
   its place in the new queue. Auto-assignment's begin (``assign``) also picks the agent and
   takes the head off the queue.
2. **move** (``{conv:<id>}``): the owner changes, if it still may, with its event.
3. **reconcile** (``{handoff}``): make the routing tables say what the conversation's state
   says as of that event's seq — the agent who holds it, the queue that holds it, SLA timer,
   archive list — release the step's reservation and end the step.

Why a crash between steps cannot break anything:

- Reconcile is a pure function of (the conversation's state at seq N, the step's reservation):
  it sets, never adds up, and a seq older than one already applied changes nothing but the
  step's own reservation. Running it twice, late, or out of order leaves the same tables.
- A crash after 1 leaves the step in ``pending`` with its reservation. Reservations only
  over-count an agent's load or add a queue entry that assignment checks against the owner (a
  stale entry is refused by step 2 and cleaned by its reconcile), so until repair nobody is
  given more chats than their capacity and no conversation is given to two agents. The recovery
  sweep (``recover``, run by every staff console's background worker) reconciles steps older
  than a few seconds with the conversation's current state and ends them.
- A crash after 2 is the same: the state is already right; the sweep brings routing to it.
- Two steps on one conversation may interleave; each reconcile carries its seq, so the later
  state wins whichever reconcile runs last.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from handoff.lua import load
from kefu import redis_keys as keys
from kefu.redis_client import as_text

RECOVER_AFTER_S = 30.0  # a routing step unfinished this long is taken to have crashed


@dataclass(frozen=True)
class Step:
    """A routing step under way: ``member`` of the pending set and what it reserved."""

    member: str
    conversation_id: str
    agent: str
    group: str
    score: str

    @classmethod
    def new(cls, conversation_id: str, agent: str, group: str, score: str) -> Step:
        token = secrets.token_hex(6)
        member = f"{conversation_id}|{token}|{agent}|{group}|{score}"
        return cls(member, conversation_id, agent, group, score)

    @classmethod
    def parse(cls, member: str) -> Step:
        conv, _token, agent, group, score = member.rsplit("|", 4)
        return cls(member, conv, agent, group, score)


class Routing:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._begin = redis.register_script(load("begin"))
        self._assign = redis.register_script(load("assign"))
        self._reconcile = redis.register_script(load("reconcile"))
        self._presence = redis.register_script(load("presence"))

    async def begin(
        self, step: Step, now: float, to: str, check_capacity: bool
    ) -> tuple[bool, str, int]:
        """Step 1. → (accepted, agent display name or refusal reason, queue position)."""
        result = await self._begin(
            keys=[
                keys.pending(),
                keys.chats(),
                keys.reserved(),
                keys.agent_profiles(),
                keys.agent_status(),
                keys.queue(step.group) if step.group else keys.pending(),
            ],
            args=[
                step.member,
                step.conversation_id,
                repr(now),
                to,
                step.agent,
                "1" if check_capacity else "0",
                step.score,
            ],
        )
        if int(result[0]) == 0:
            return False, as_text(result[1]), 0
        return True, as_text(result[1]), int(result[2])

    async def assign(self, group: str, now: float) -> tuple[Step, str] | None:
        """Step 1 of auto-assignment → (the step, the agent's display name) or None."""
        result = await self._assign(
            keys=[
                keys.pending(),
                keys.chats(),
                keys.reserved(),
                keys.agent_profiles(),
                keys.agent_status(),
                keys.queue(group),
                keys.online(group),
            ],
            args=[group, secrets.token_hex(6), repr(now)],
        )
        if not result:
            return None
        return Step.parse(as_text(result[3])), as_text(result[2])

    async def reconcile(
        self, step: Step | None, conv_id: str, seq: int, owner: str, agent: str, group: str
    ) -> None:
        """Step 3: routing agrees with the conversation's state as of ``seq``; ``step`` ends."""
        for _ in range(20):
            on_record = as_text(await self.redis.hget(keys.queued(), conv_id) or b"")
            result = await self._reconcile(
                keys=[
                    keys.pending(),
                    keys.chats(),
                    keys.reserved(),
                    keys.holder(),
                    keys.queued(),
                    keys.applied(),
                    keys.archive_pending(),
                    keys.sla_due(),
                    keys.queue(on_record) if on_record else keys.pending(),
                    keys.queue(group) if owner == "queued" else keys.pending(),
                    keys.queue(step.group) if step and step.group else keys.pending(),
                ],
                args=[
                    conv_id,
                    step.member if step else "",
                    str(seq),
                    owner,
                    agent,
                    group,
                    on_record,
                    step.agent if step else "",
                    step.group if step else "",
                    step.score if step else "",
                ],
            )
            if as_text(result) == "ok":
                return
            await asyncio.sleep(0)
        raise RuntimeError(f"routing of {conv_id} kept changing under reconcile")

    async def stale_steps(self, older_than_s: float = RECOVER_AFTER_S) -> list[Step]:
        raw = await self.redis.zrangebyscore(
            keys.pending(), "-inf", time.time() - older_than_s, start=0, num=200
        )
        return [Step.parse(as_text(m)) for m in raw]

    # ------------------------------------------------------------ agents

    async def load(self, agent: str) -> int:
        return int(await self.redis.zlexcount(keys.chats(), f"[{agent}|", f"[{agent}|\xff"))

    async def chats(self, agent: str) -> list[str]:
        raw = await self.redis.zrangebylex(keys.chats(), f"[{agent}|", f"[{agent}|\xff")
        return sorted(as_text(m).split("|", 1)[1] for m in raw)

    async def profile(self, agent: str) -> dict[str, Any]:
        raw = await self.redis.hget(keys.agent_profiles(), agent)
        return json.loads(raw) if raw else {}

    async def status(self, agent: str) -> str:
        return as_text(await self.redis.hget(keys.agent_status(), agent) or b"offline")

    async def set_presence(
        self, agent: str, status: str, profile: dict[str, Any] | None = None
    ) -> int:
        """Set status (and profile); the agent is in the online set of each of their groups
        while online with a capacity above 0. → the agent's load."""
        for _ in range(20):
            raw_old = as_text(await self.redis.hget(keys.agent_profiles(), agent) or b"")
            old = json.loads(raw_old) if raw_old else {}
            new = profile if profile is not None else old
            groups = sorted(set(old.get("groups", [])) | set(new.get("groups", [])))
            available = status == "online" and int(new.get("capacity", 0) or 0) > 0
            flags = ["1" if available and g in new.get("groups", []) else "0" for g in groups]
            load = int(
                await self._presence(
                    keys=[keys.agent_profiles(), keys.agent_status(), keys.chats()]
                    + [keys.online(g) for g in groups],
                    args=[
                        agent,
                        status,
                        json.dumps(profile, ensure_ascii=False) if profile is not None else "",
                        raw_old,
                        *flags,
                    ],
                )
            )
            if load >= 0:
                return load
        raise RuntimeError(f"profile of {agent} kept changing")

    async def online_count(self, group: str) -> int:
        return int(await self.redis.scard(keys.online(group)))
