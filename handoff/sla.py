"""SLA timers for the first agent response, and escalation on a breach (专员 → 组长 → 主管).

Timers live in the ``{handoff}`` slot (``kefu.redis_keys.sla_due``: conversation → due time).
The first agent message removes the timer right after recording it; should that second step be
lost, the check below sees ``first_response_at`` on the conversation and drops the timer. A
breach is claimed by one Lua step that raises the level and re-arms (or drops) the timer, so
several staff-console processes never escalate the same breach twice; the SQL table has a
unique key on it as a second guard."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.conversation import Conversations, Owner
from handoff.lua import load
from handoff.models import SlaBreach
from kefu import redis_keys as keys
from kefu.redis_client import as_text

LEVELS = {1: "team_lead", 2: "supervisor"}


class SlaMonitor:
    def __init__(self, conversations: Conversations, engine: AsyncEngine) -> None:
        self.conversations = conversations
        self.engine = engine
        self._claim = conversations.redis.register_script(load("sla_claim"))

    async def check(self, now: float | None = None) -> list[dict[str, Any]]:
        redis = self.conversations.redis
        now = now or time.time()
        breaches = []
        for raw in await redis.zrangebyscore(keys.sla_due(), "-inf", now, start=0, num=100):
            conv_id = as_text(raw)
            state = await self.conversations.state(conv_id)
            answered = float(state.extra.get("first_response_at", 0) or 0)
            queued = float(state.extra.get("queued_at", 0) or 0)
            if (answered and answered >= queued) or state.owner in (Owner.BOT, Owner.CLOSED):
                # answered (or ended) in a step whose timer removal did not happen
                await redis.zrem(keys.sla_due(), conv_id)
                continue
            info_key = keys.sla_info(conv_id)
            level = int(
                await self._claim(keys=[keys.sla_due(), info_key], args=[conv_id, repr(now)])
            )
            if level == 0:
                continue  # another process took it
            raw_info: dict[Any, Any] = await redis.hgetall(info_key)
            info = {as_text(k): as_text(v) for k, v in raw_info.items()}
            breach = {
                "conversation_id": conv_id,
                "level": level,
                "escalated_to": LEVELS.get(level, "supervisor"),
                "skill_group": info.get("group", ""),
                "agent": state.agent,
                "target_s": float(info.get("target", 0)),
                "queued_at": float(info.get("queued_at", 0)),
            }
            try:
                async with AsyncSession(self.engine) as session:
                    session.add(SlaBreach(**breach))
                    await session.commit()
            except IntegrityError:
                continue
            await self.conversations.append(
                conv_id,
                "escalated",
                {
                    "internal": True,
                    "level": level,
                    "to_role": breach["escalated_to"],
                    "target_s": breach["target_s"],
                },
            )
            breaches.append(breach)
        return breaches
