"""A conversation's state and event log in Redis, and the ownership state machine.

Keys (``kefu.redis_keys``; the ``{conv:<id>}`` hash tag keeps one conversation's keys in one
Redis Cluster slot):

- ``kefu:{conv:<id>}:state`` — hash: ``owner``, ``agent``, ``group``, ``seq``, ``channel``,
  ``customer_id``, ``updated_at``, ``participant:<username>`` (``handoff.participation``), …
- ``kefu:{conv:<id>}:events`` — stream; entry ids are ``<seq>-0`` so that clients resume with
  "everything after seq N" and long-poll with XREAD.

Every ownership change is one Lua script (``handoff/lua/move.lua``) that checks the current
owner, writes the new one and appends the transition event, so a message is never routed to
two owners or to none. ``Conversations`` (this module, with its parts ``handoff.event_log``:
appending and reading events, and ``handoff.participation``) is the only writer of these keys;
the gateway and the staff console both call it. The routing tables (queues, agents' chats) live
in another slot and are brought in line around each move by ``handoff.routing`` — its docstring
has the argument why a crash between those steps loses nothing.
"""

from __future__ import annotations

import math
import time
from typing import Any

from redis.asyncio import Redis

from handoff.event_log import EventLog, dumps, events_key, state_key
from handoff.lua import load
from handoff.participation import (
    PARTICIPANT,
    NotParticipating,
    Participation,
    participants_of,
)
from handoff.routing import RECOVER_AFTER_S, Routing, Step
from handoff.states import (
    CONVERSATION_ID,
    GROUP,
    OUTBOX_MAXLEN,
    STREAM_MAXLEN,
    TRANSITIONS,
    ConversationState,
    Event,
    InvalidConversationId,
    Moved,
    Owner,
    TransitionRefused,
    check_conversation_id,
)
from kefu.redis_client import as_text

__all__ = [
    "CONVERSATION_ID",
    "OUTBOX_MAXLEN",
    "STREAM_MAXLEN",
    "TRANSITIONS",
    "ConversationState",
    "Conversations",
    "Event",
    "InvalidConversationId",
    "Moved",
    "NotParticipating",
    "Owner",
    "TransitionRefused",
    "check_conversation_id",
    "events_key",
    "state_key",
]


class Conversations(EventLog, Participation):
    """The public API over conversation state and events. Built once per process."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._append = redis.register_script(load("append"))
        self._append_if = redis.register_script(load("append_if"))
        self._move = redis.register_script(load("move"))
        self._participate = redis.register_script(load("participate"))
        self.routing = Routing(redis)

    @property
    def redis(self) -> Redis:
        return self._redis

    async def state(self, conversation_id: str) -> ConversationState:
        raw = await self._redis.hgetall(state_key(check_conversation_id(conversation_id)))
        values = {as_text(k): as_text(v) for k, v in raw.items()}
        known = {"owner", "agent", "group", "seq", "channel", "customer_id"}
        return ConversationState(
            conversation_id=conversation_id,
            owner=Owner(values.get("owner", Owner.BOT)),
            agent=values.get("agent", ""),
            group=values.get("group", ""),
            seq=int(values.get("seq", 0)),
            channel=values.get("channel", ""),
            customer_id=values.get("customer_id", ""),
            participants=participants_of(values),
            extra={
                k: v for k, v in values.items() if k not in known and not k.startswith(PARTICIPANT)
            },
        )

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
        expect_group: str = "",
    ) -> Moved:
        """Like ``transition`` but returns the whole result (previous owner, queue position).

        Moving into ``queued`` adds the conversation to its group's queue (score
        ``queue_score``, default now); if ``data`` has a ``position`` key it is filled with the
        real place in the queue, and ``eta_seconds`` with place × ``eta_per_position``.
        Leaving ``queued`` removes it from its queue; leaving ``agent`` frees a slot of that
        agent; moving into ``closed`` marks the conversation for archiving. ``expect_group``
        (when given) must be the conversation's group, else the move is refused."""
        check_conversation_id(conversation_id)
        legal = {src for src in allowed_from if to in TRANSITIONS[src]}
        if not legal:
            raise ValueError(f"no legal transition into {to} from {sorted(allowed_from)}")
        if to is Owner.AGENT and not agent:
            raise ValueError("a move to an agent needs the agent")
        if to is Owner.QUEUED and group is None:
            group = (await self.state(conversation_id)).group or "default"
        if group is not None and not GROUP.match(group):
            raise ValueError("a skill group is 1-64 letters, digits and _.-")
        now = time.time()
        step = Step.new(
            conversation_id,
            agent if to is Owner.AGENT else "",
            group if to is Owner.QUEUED and group else "",
            repr(now if queue_score is None else queue_score),
        )
        ok, name, position = await self.routing.begin(step, now, str(to), check_capacity)
        if not ok:
            state = await self.state(conversation_id)
            raise TransitionRefused(conversation_id, state.owner, to, state.agent, name)
        payload = {"owner": str(to), **({"agent": agent} if agent else {}), **(data or {})}
        if to is Owner.AGENT:
            payload.setdefault("agent_name", name or agent)
        eta = 0
        if to is Owner.QUEUED and "position" in payload:
            eta = math.ceil(position * eta_per_position)
            payload["position"], payload["eta_seconds"] = position, eta
        return await self._moved(
            step,
            legal,
            to,
            agent,
            expect_agent,
            expect_group,
            event_type,
            payload,
            now,
            group,
            position,
            eta,
        )

    async def _moved(
        self,
        step: Step,
        legal: set[Owner],
        to: Owner,
        agent: str,
        expect_agent: str,
        expect_group: str,
        event_type: str,
        payload: dict[str, Any],
        now: float,
        group: str | None,
        position: int,
        eta: int,
    ) -> Moved:
        """Step 2 (the owner, in the conversation's slot) and step 3 (routing) of a move."""
        conv_id = step.conversation_id
        result = await self._move(
            keys=[state_key(conv_id), events_key(conv_id)],
            args=[
                ",".join(sorted(legal)),
                str(to),
                agent,
                expect_agent,
                expect_group,
                event_type,
                dumps(payload),
                repr(now),
                str(STREAM_MAXLEN),
                "-" if group is None else group,
                str(position),
                str(eta),
            ],
        )
        seq, current, current_agent = int(result[0]), as_text(result[1]), as_text(result[2])
        if seq == 0:
            await self.routing.reconcile(
                step, conv_id, int(as_text(result[5])), current, current_agent, as_text(result[4])
            )
            raise TransitionRefused(conv_id, Owner(current), to, current_agent, as_text(result[3]))
        await self.routing.reconcile(step, conv_id, seq, str(to), agent, as_text(result[4]))
        await self._notify(conv_id, as_text(result[5]), seq)
        return Moved(seq, Owner(current), current_agent, position)

    async def repair(self, conversation_id: str) -> None:
        """Bring routing in line with the conversation's state (idempotent)."""
        state = await self.state(conversation_id)
        await self.routing.reconcile(
            None, conversation_id, state.seq, str(state.owner), state.agent, state.group
        )

    async def recover(self, older_than_s: float = RECOVER_AFTER_S) -> int:
        """Finish routing steps that a crashed process left half done. → how many."""
        steps = await self.routing.stale_steps(older_than_s)
        for step in steps:
            state = await self.state(step.conversation_id)
            await self.routing.reconcile(
                step,
                step.conversation_id,
                state.seq,
                str(state.owner),
                state.agent,
                state.group,
            )
        return len(steps)

    async def assign_next(
        self, group: str, data: dict[str, Any] | None = None
    ) -> tuple[str, str, int] | None:
        """Give the head of ``group``'s queue to its least-loaded online agent with room.
        Returns (conversation id, agent, seq) or None if nothing to do."""
        for _ in range(50):
            now = time.time()
            got = await self.routing.assign(group, now)
            if got is None:
                return None
            step, name = got
            payload = {
                "owner": str(Owner.AGENT),
                **(data or {}),
                "agent": step.agent,
                "agent_name": name,
            }
            try:
                moved = await self._moved(
                    step,
                    {Owner.QUEUED},
                    Owner.AGENT,
                    step.agent,
                    "",
                    group,
                    "accepted",
                    payload,
                    now,
                    None,
                    0,
                    0,
                )
            except TransitionRefused:
                continue  # a stale queue entry, cleaned by the reconcile; try the next
            return step.conversation_id, step.agent, moved.seq
        return None
