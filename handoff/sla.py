"""SLA timers for the first agent response, and escalation on a breach (专员 → 组长 → 主管).

Timers live in ``kefu:sla:due`` (conversation → due time). The first agent message removes the
timer in the same step that records it. A breach is claimed by one Lua step that raises the
level and re-arms (or drops) the timer, so several staff-console processes never escalate the
same breach twice; the SQL table has a unique key on it as a second guard."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.conversation import Conversations
from handoff.models import SlaBreach

LEVELS = {1: "team_lead", 2: "supervisor"}

# KEYS[1] due set, KEYS[2] info hash; ARGV: id, now
_CLAIM = """
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then return 0 end
local level = redis.call('HINCRBY', KEYS[2], 'level', 1)
local target = tonumber(redis.call('HGET', KEYS[2], 'target') or '60')
if level >= 2 then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], tonumber(due) + target, ARGV[1])
end
return level
"""


class SlaMonitor:
    def __init__(self, conversations: Conversations, engine: AsyncEngine) -> None:
        self.conversations = conversations
        self.engine = engine
        self._claim = conversations.redis.register_script(_CLAIM)

    async def check(self, now: float | None = None) -> list[dict[str, Any]]:
        redis = self.conversations.redis
        now = now or time.time()
        breaches = []
        for raw in await redis.zrangebyscore("kefu:sla:due", "-inf", now, start=0, num=100):
            conv_id = _text(raw)
            info_key = f"kefu:sla:info:{{{conv_id}}}"
            level = int(
                await self._claim(keys=["kefu:sla:due", info_key], args=[conv_id, repr(now)])
            )
            if level == 0:
                continue  # another process took it
            raw_info: dict[Any, Any] = await redis.hgetall(info_key)
            info = {_text(k): _text(v) for k, v in raw_info.items()}
            state = await self.conversations.state(conv_id)
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


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
