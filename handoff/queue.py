"""The queue service: handoffs in, places and ETAs out, auto-routing, SLA timers started; its
settings are ``handoff.queue_config``, messages left as tickets ``handoff.left_messages``.

Redis keys (``kefu.redis_keys``; besides the conversation's own keys):

- the queue of a group — sorted set of queued conversation ids. Score = queued time minus
  ``priority × aging_step_s``: higher priority first, then longer waiting; because the score is
  fixed at enqueue, every waiting customer gains one priority level per ``aging_step_s`` relative
  to newcomers, so nobody starves. Kept by ``handoff.routing`` around each ownership move.
- ``kefu:{conv:<id>}:packet`` — the masked handoff packet (JSON).
- the online agents of a group, the handling-time samples of a group (for ETAs).
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.conversation import Conversations, Owner, TransitionRefused, check_conversation_id
from handoff.packet import effective_priority
from handoff.queue_config import QueueConfig, in_business_hours
from handoff.skills import route_group
from kefu import redis_keys as keys
from kefu.errors import ApiError
from kefu.redis_client import as_text

HANDLE_SAMPLES = 50


class QueueService:
    """Queue state for the gateway (places, ETAs, leaving a message) and the staff console."""

    def __init__(self, redis: Redis, settings: Any, engine: AsyncEngine | None = None) -> None:
        self.redis = redis
        self.config = QueueConfig.from_settings(settings)
        self.conversations = Conversations(redis)
        self._engine = engine
        self._own_engine = False
        self._database_url = str(getattr(settings, "database_url", ""))

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            from kefu.db import make_async_engine

            self._engine = make_async_engine(self._database_url)
            self._own_engine = True
        return self._engine

    async def aclose(self) -> None:
        if self._own_engine and self._engine is not None:
            await self._engine.dispose()

    # ------------------------------------------------------------ places and ETAs

    async def eta_per_position(self, group: str) -> float:
        samples = await self.redis.lrange(keys.handle_samples(group), 0, HANDLE_SAMPLES - 1)
        values = [float(s) for s in samples]
        handle = sum(values) / len(values) if values else self.config.default_handle_s
        agents = await self.conversations.routing.online_count(group)
        return handle / max(1, agents)

    async def record_handling_time(self, group: str, seconds: float) -> None:
        key = keys.handle_samples(group)
        await self.redis.lpush(key, f"{max(0.0, seconds):.1f}")
        await self.redis.ltrim(key, 0, HANDLE_SAMPLES - 1)

    async def queue_info(self, conversation_id: str) -> dict[str, int] | None:
        """{"position", "eta_seconds"} while the conversation is queued, else None."""
        state = await self.conversations.state(check_conversation_id(conversation_id))
        if state.owner is not Owner.QUEUED or not state.group:
            return None
        rank = await self.redis.zrank(keys.queue(state.group), conversation_id)
        if rank is None:
            return None
        position = int(str(rank)) + 1
        per = await self.eta_per_position(state.group)
        return {"position": position, "eta_seconds": math.ceil(position * per)}

    def score(self, packet: dict[str, Any], now: float | None = None) -> float:
        return (now or time.time()) - effective_priority(packet) * self.config.aging_step_s

    def open_now(self, group: str = "") -> bool:
        """Within ``group``'s business hours in its time zone (the shop's when it has none)."""
        c = self.config
        hours = c.group_hours.get(group, c.business_hours)
        return in_business_hours(hours, c.group_timezones.get(group, c.timezone))

    def route(self, packet: dict[str, Any]) -> dict[str, Any]:
        """The packet with the skill group the seeds' rules choose (``handoff.skills``)."""
        c = self.config
        group = route_group(packet, c.skill_groups, c.language_groups, c.default_skill_group)
        return {**packet, "skill_group": group}

    def claim_mode(self, group: str) -> bool:
        return group in self.config.claim_groups

    # ------------------------------------------------------------ handoff

    async def handoff(self, packet: dict[str, Any]) -> dict[str, Any]:
        """Queue a validated packet (idempotent per conversation)."""
        if not packet.get("skill_group"):
            packet = self.route(packet)
        conv_id = packet["conversation_id"]
        group = packet["skill_group"]
        state = await self.conversations.state(conv_id)
        if state.owner is Owner.QUEUED:
            info = await self.queue_info(conv_id) or {"position": 0, "eta_seconds": 0}
            return {"status": "already_queued", "skill_group": state.group, **info}
        if state.owner is Owner.AGENT:
            return {"status": "already_assigned", "agent": state.agent, "skill_group": state.group}
        await self.redis.set(keys.conv_packet(conv_id), json.dumps(packet, ensure_ascii=False))
        online = await self.conversations.routing.online_count(group)
        is_open = self.open_now(group)
        if not is_open or online == 0:
            why = "outside_business_hours" if not is_open else "no_agents_online"
            return {
                "status": "no_agents",
                "ticket_offer": True,
                "reason": why,
                "skill_group": group,
            }
        if state.owner is Owner.CLOSED:
            # A closed conversation starts over with the bot before it can be queued again.
            with contextlib.suppress(TransitionRefused):
                await self.conversations.transition(
                    conv_id, {Owner.CLOSED}, Owner.BOT, "reopened", {"by": "handoff"}
                )
        try:
            moved = await self.conversations.move(
                conv_id,
                {Owner.BOT},
                Owner.QUEUED,
                "queued",
                {"reason": packet["reason"], "skill_group": group, "position": 0, "eta_seconds": 0},
                group=group,
                queue_score=self.score(packet),
                eta_per_position=await self.eta_per_position(group),
            )
        except TransitionRefused as refused:
            if refused.current is Owner.QUEUED:
                info = await self.queue_info(conv_id) or {"position": 0, "eta_seconds": 0}
                return {"status": "already_queued", "skill_group": group, **info}
            if refused.current is Owner.AGENT:
                return {"status": "already_assigned", "agent": refused.agent, "skill_group": group}
            raise ApiError(409, "conflict", f"conversation is {refused.current}") from None
        await self.start_sla(conv_id, group)
        per = await self.eta_per_position(group)
        result = {
            "status": "queued",
            "position": moved.position,
            "eta_seconds": math.ceil(moved.position * per),
            "skill_group": group,
        }
        if not self.claim_mode(group):
            await self.dispatch(group)
            after = await self.conversations.state(conv_id)
            if after.owner is Owner.AGENT:
                result["agent"] = after.agent
        return result

    async def packet(self, conversation_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(keys.conv_packet(conversation_id))
        return json.loads(raw) if raw else None

    # ------------------------------------------------------------ routing

    async def dispatch(self, group: str, limit: int = 1000) -> list[tuple[str, str]]:
        """Auto-assign queued conversations of ``group`` while agents have room."""
        if self.claim_mode(group):
            return []
        from handoff.ticket_flow import assign_on_take

        assigned = []
        for _ in range(limit):
            got = await self.conversations.assign_next(group)
            if got is None:
                break
            assigned.append((got[0], got[1]))
            await assign_on_take(self.engine, got[0], got[1], timezone=self.config.timezone)
        return assigned

    async def dispatch_all(self) -> int:
        count = 0
        for group in self.config.skill_groups:
            count += len(await self.dispatch(group))
        return count

    async def waiting(self, group: str, limit: int = 200) -> list[str]:
        """The conversations waiting in ``group``, first in line first."""
        return [as_text(i) for i in await self.redis.zrange(keys.queue(group), 0, limit - 1)]

    async def announce_positions(self, group: str, limit: int = 500) -> int:
        """Tell waiting customers their new place when it changed meaningfully."""
        ids = await self.waiting(group, limit)
        per = await self.eta_per_position(group)
        sent = 0
        for index, conv_id in enumerate(ids):
            position = index + 1
            eta = math.ceil(position * per)
            state = await self.conversations.state(conv_id)
            if state.owner is not Owner.QUEUED:
                continue
            old_pos = int(state.extra.get("q_pos", 0) or 0)
            old_eta = int(float(state.extra.get("q_eta", 0) or 0))
            if not _meaningful(old_pos, position, old_eta, eta):
                continue
            try:
                await self.conversations.append_if(
                    conv_id,
                    "queue_update",
                    {"position": position, "eta_seconds": eta},
                    owner=Owner.QUEUED,
                    q_pos=str(position),
                    q_eta=str(eta),
                )
            except TransitionRefused:
                continue
            sent += 1
        return sent

    # ------------------------------------------------------------ SLA timers

    def first_response_target(self, group: str) -> float:
        if group == "presale" and self.config.big_sale:
            return self.config.sla_big_sale_presale_s
        return float(self.config.sla_first_response_s.get(group, 3600.0))

    async def big_sale(self) -> bool:
        raw = await self.redis.get(keys.big_sale())
        return self.config.big_sale if raw is None else raw in (b"1", "1")

    async def set_big_sale(self, on: bool) -> None:
        await self.redis.set(keys.big_sale(), "1" if on else "0")

    async def start_sla(self, conversation_id: str, group: str) -> None:
        target = self.first_response_target(group)
        if group == "presale" and await self.big_sale():
            target = self.config.sla_big_sale_presale_s
        now = time.time()
        await self.redis.hset(
            keys.sla_info(conversation_id),
            mapping={"group": group, "queued_at": now, "target": target, "level": 0},
        )
        await self.redis.zadd(keys.sla_due(), {conversation_id: now + target})

    async def give_up(self, conversation_id: str, cause: str, text: str = "") -> Any:
        """The customer gave up on the queue (``handoff.give_up``): a ticket, back to the bot."""
        from handoff.give_up import give_up

        return await give_up(self, conversation_id, cause, text=text)

    async def add_to_open_ticket(self, conversation_id: str, text: str) -> int | None:
        """What the customer writes while the conversation has an open ticket joins its log;
        the ticket's id, or None without one (``handoff.left_messages``)."""
        from handoff.left_messages import add_to_open_ticket

        return await add_to_open_ticket(self, conversation_id, text)

    # ------------------------------------------------------------ leaving a message

    async def leave_message(
        self, conversation_id: str, customer_id: str, text: str
    ) -> dict[str, Any]:
        """A message left while waiting for a person: a ticket, and the conversation closes
        with it (``handoff.left_messages``)."""
        from handoff.left_messages import leave_message

        return await leave_message(self, conversation_id, customer_id, text)


def _meaningful(old_pos: int, new_pos: int, old_eta: int, new_eta: int) -> bool:
    if old_pos == new_pos:
        return False
    if new_pos <= 3 or old_pos == 0:
        return True
    return (old_pos - new_pos) >= max(1, old_pos // 4) or abs(old_eta - new_eta) >= 120
