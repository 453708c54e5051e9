"""Outage mode (故障模式), switched by a supervisor: while it is on, the gateway answers every
customer message of a conversation the bot owns or that waits in the queue with the outage
script instead of asking the bot (the message itself is kept, as always); chats with an agent
go on. When it ends, the conversations queued during the outage move to the front of their
queues (oldest first), and every conversation that got the script is told service is back.

State in Redis (``{handoff}`` slot, ``kefu.redis_keys.outage`` and ``outage_told``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from handoff.conversation import Conversations, Owner
from kefu import redis_keys as keys
from kefu.i18n import say
from kefu.redis_client import as_text

DEFAULT_SCRIPT_ZH = "系统正在紧急修复，预计1小时内恢复。您的消息已记录，恢复后我们会通知您。"
DEFAULT_SCRIPT_EN = (
    "Our systems are being repaired and should be back within an hour. Your message is kept "
    "and we will let you know when service is back."
)
BACK_ZH = "系统已恢复正常，感谢您的耐心等待！您现在可以继续咨询。"
BACK_EN = "Service is back to normal. Thank you for waiting! You can go on with your question now."
MAX_SCRIPT_CHARS = 500
FRONT = 10.0**9  # subtracted from a queue score: ahead of every chat queued the usual way


@dataclass(frozen=True)
class OutageState:
    on: bool
    started_at: float | None = None
    by: str = ""
    script_zh: str = DEFAULT_SCRIPT_ZH
    script_en: str = DEFAULT_SCRIPT_EN

    def script(self, lang: str | None) -> str:
        return say(lang, self.script_zh, self.script_en)

    def public(self) -> dict[str, Any]:
        return {
            "on": self.on,
            "started_at": self.started_at,
            "by": self.by,
            "script_zh": self.script_zh,
            "script_en": self.script_en,
        }


class Outage:
    def __init__(self, redis: Redis, conversations: Conversations) -> None:
        self.redis = redis
        self.conversations = conversations

    async def state(self) -> OutageState:
        raw: dict[Any, Any] = await self.redis.hgetall(keys.outage())
        info = {as_text(k): as_text(v) for k, v in raw.items()}
        if not info:
            return OutageState(on=False)
        return OutageState(
            on=True,
            started_at=float(info.get("started_at", 0) or 0),
            by=info.get("by", ""),
            script_zh=info.get("script_zh") or DEFAULT_SCRIPT_ZH,
            script_en=info.get("script_en") or DEFAULT_SCRIPT_EN,
        )

    async def start(self, by: str, script_zh: str | None, script_en: str | None) -> OutageState:
        """Switch on (or, when on, change the script: the start time stays)."""
        current = await self.state()
        await self.redis.hset(
            keys.outage(),
            mapping={
                "started_at": repr(current.started_at if current.on else time.time()),
                "by": by,
                "script_zh": script_zh or current.script_zh,
                "script_en": script_en or current.script_en,
            },
        )
        return await self.state()

    async def answer(self, conversation_id: str, lang: str | None) -> str | None:
        """The outage script for a customer message, if outage mode holds it; else None."""
        current = await self.state()
        if not current.on:
            return None
        owner = (await self.conversations.state(conversation_id)).owner
        if owner not in (Owner.BOT, Owner.QUEUED):
            return None
        await self.redis.sadd(keys.outage_told(), conversation_id)
        return current.script(lang)

    async def end(self, groups: list[str]) -> dict[str, int]:
        """Switch off: queued chats of the outage first, then "service is back" to everyone
        who got the script."""
        current = await self.state()
        if not current.on:
            return {"prioritised": 0, "told": 0}
        started = current.started_at or 0.0
        prioritised = 0
        for group in groups:
            entries: list[Any] = await self.redis.zrange(keys.queue(group), 0, -1, withscores=True)
            for member, raw_score in entries:
                conv_id, score = as_text(member), float(raw_score)
                state = await self.conversations.state(conv_id)
                queued_at = float(state.extra.get("queued_at", 0) or 0)
                if state.owner is Owner.QUEUED and queued_at >= started and score > 0:
                    await self.redis.zadd(keys.queue(group), {conv_id: score - FRONT}, xx=True)
                    prioritised += 1
        told = 0
        for raw in await self.redis.smembers(keys.outage_told()):
            conv_id = as_text(raw)
            state = await self.conversations.state(conv_id)
            lang = state.extra.get("lang") or "zh"
            text = say(lang, BACK_ZH, BACK_EN)
            await self.conversations.append(
                conv_id, "message", {"from": "system", "text": text, "reason": "outage_over"}
            )
            told += 1
        await self.redis.delete(keys.outage(), keys.outage_told())
        return {"prioritised": prioritised, "told": told}
