"""Agents in Redis: profile (from SQL), presence online/away/offline with a heartbeat, and the
sweeper that takes a vanished agent's chats back to the queue after a grace period."""

from __future__ import annotations

import time
from typing import Any

from redis.asyncio import Redis

from handoff.conversation import Conversations, Owner, TransitionRefused
from handoff.models import StaffAccount

STATUSES = ("online", "away", "offline")
PRESENCE = "kefu:presence"  # sorted set: username → last heartbeat


def agent_key(username: str) -> str:
    return f"kefu:agent:{username}"


def chats_key(username: str) -> str:
    return f"kefu:agent:{username}:chats"


TRANSFER_TEXT = "您的问题需要技术协助，我帮您转接后会跟进～"
TRANSFER_TEXT_EN = "Your question needs specialist help; I'm transferring you and we'll follow up."
REQUEUE_TEXT = "客服暂时离开，已为您重新排队，请稍候～"
REQUEUE_TEXT_EN = "Your agent is unavailable; you are back in the queue, please wait a moment."


class Agents:
    def __init__(self, redis: Redis, conversations: Conversations) -> None:
        self.redis = redis
        self.conversations = conversations

    async def set_status(self, account: StaffAccount, status: str) -> dict[str, Any]:
        now = time.time()
        await self.redis.hset(
            agent_key(account.username),
            mapping={
                "status": status,
                "capacity": account.capacity,
                "groups": ",".join(account.skill_groups),
                "name": account.display_name or account.username,
                "roles": ",".join(account.roles),
                "last_seen": now,
            },
        )
        if status == "offline":
            await self.redis.zrem(PRESENCE, account.username)
        else:
            await self.redis.zadd(PRESENCE, {account.username: now})
        load = await self.conversations.refresh_agent(account.username)
        return {
            "status": status,
            "load": load,
            "capacity": account.capacity,
            "skill_groups": list(account.skill_groups),
        }

    async def heartbeat(self, username: str) -> bool:
        """Record a sign of life; False if the agent has no status set (offline)."""
        status = await self.redis.hget(agent_key(username), "status")
        if status is None or status == b"offline":
            return False
        now = time.time()
        await self.redis.hset(agent_key(username), "last_seen", now)
        await self.redis.zadd(PRESENCE, {username: now})
        return True

    async def info(self, username: str) -> dict[str, Any]:
        raw = await self.redis.hgetall(agent_key(username))
        values = {_s(k): _s(v) for k, v in raw.items()}
        chats = sorted(_s(c) for c in await self.redis.smembers(chats_key(username)))
        return {
            "username": username,
            "status": values.get("status", "offline"),
            "name": values.get("name", username),
            "capacity": int(values.get("capacity", 0) or 0),
            "load": len(chats),
            "skill_groups": [g for g in values.get("groups", "").split(",") if g],
            "chats": chats,
        }

    async def sweep(self, timeout_s: float, grace_s: float) -> list[str]:
        """Mark silent agents offline; requeue the chats of agents silent past the grace.

        Safe to run in several processes at once: each requeue is a state-machine move that
        expects the vanished agent, so only one process can make it."""
        now = time.time()
        requeued: list[str] = []
        silent: list[Any] = await self.redis.zrangebyscore(
            PRESENCE, "-inf", now - timeout_s, withscores=True
        )
        for raw_name, last_seen in silent:
            username = _s(raw_name)
            status = await self.redis.hget(agent_key(username), "status")
            if status in (b"online", b"away"):
                await self.redis.hset(agent_key(username), "status", "offline")
                await self.conversations.refresh_agent(username)
            if float(last_seen) > now - grace_s:
                continue
            for raw_id in await self.redis.smembers(chats_key(username)):
                conv_id = _s(raw_id)
                requeued += await self.requeue(conv_id, username)
            await self.redis.zrem(PRESENCE, username)
        return requeued

    async def requeue(self, conv_id: str, username: str) -> list[str]:
        state = await self.conversations.state(conv_id)
        if state.owner is not Owner.AGENT or state.agent != username:
            await self.redis.srem(chats_key(username), conv_id)
            await self.conversations.refresh_agent(username)
            return []
        try:
            await self.conversations.transition(
                conv_id,
                {Owner.AGENT},
                Owner.QUEUED,
                "transferred",
                {
                    "to_group": state.group,
                    "reason": "agent_unavailable",
                    "text_for_customer": REQUEUE_TEXT,
                    "text_for_customer_en": REQUEUE_TEXT_EN,
                    "position": 0,
                    "eta_seconds": 0,
                },
                expect_agent=username,
                group=state.group,
                queue_score=time.time() - 3600,
            )
        except TransitionRefused:
            return []
        return [conv_id]


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
