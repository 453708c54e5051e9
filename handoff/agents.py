"""Agents in Redis: profile (from SQL), presence online/away/offline with a heartbeat, and the
sweeper that takes a vanished agent's chats back to the queue after a grace period."""

from __future__ import annotations

import time
from typing import Any

from redis.asyncio import Redis

from handoff.audit import AuditLog
from handoff.conversation import Conversations, Owner, TransitionRefused
from handoff.models import StaffAccount
from kefu import redis_keys as keys
from kefu.redis_client import as_text

STATUSES = ("online", "away", "offline")
AWAY_REASONS = ("break", "meal", "training")  # 小休 / 就餐 / 培训


REQUEUE_TEXT = "客服暂时离开，已为您重新排队，请稍候～"
REQUEUE_TEXT_EN = "Your agent is unavailable; you are back in the queue, please wait a moment."


class Agents:
    def __init__(
        self, redis: Redis, conversations: Conversations, audit: AuditLog | None = None
    ) -> None:
        self.redis = redis
        self.conversations = conversations
        self.audit = audit  # records each chat taken back from a vanished agent
        self.routing = conversations.routing

    async def set_status(
        self, account: StaffAccount, status: str, reason: str | None = None
    ) -> dict[str, Any]:
        """Set presence; ``reason`` (one of AWAY_REASONS) says why an agent is away."""
        now = time.time()
        profile = {
            "capacity": account.capacity,
            "groups": list(account.skill_groups),
            "name": account.display_name or account.username,
            "roles": list(account.roles),
        }
        load = await self.routing.set_presence(account.username, status, profile)
        if status == "offline":
            await self.redis.zrem(keys.presence(), account.username)
        else:
            await self.redis.zadd(keys.presence(), {account.username: now})
        await self._status_changed(account.username, status, reason, now)
        return {
            "status": status,
            "away_reason": reason if status == "away" else None,
            "load": load,
            "capacity": account.capacity,
            "skill_groups": list(account.skill_groups),
        }

    async def _status_changed(
        self, username: str, status: str, reason: str | None, now: float
    ) -> None:
        await self.redis.hset(keys.agent_status_since(), username, repr(now))
        if status == "away" and reason:
            await self.redis.hset(keys.agent_away_reason(), username, reason)
        else:
            await self.redis.hdel(keys.agent_away_reason(), username)

    async def heartbeat(self, username: str) -> bool:
        """Record a sign of life; False if the agent has no status set (offline)."""
        if await self.routing.status(username) == "offline":
            return False
        await self.redis.zadd(keys.presence(), {username: time.time()})
        return True

    async def info(self, username: str) -> dict[str, Any]:
        profile = await self.routing.profile(username)
        chats = await self.routing.chats(username)
        return {
            "username": username,
            "status": await self.routing.status(username),
            "name": profile.get("name", username),
            "capacity": int(profile.get("capacity", 0) or 0),
            "load": len(chats),
            "skill_groups": list(profile.get("groups", [])),
            "chats": chats,
        }

    async def chats(self, username: str) -> list[str]:
        """The conversations an agent holds (or is being given)."""
        return await self.routing.chats(username)

    async def sweep(self, timeout_s: float, grace_s: float) -> list[str]:
        """Mark silent agents offline; requeue the chats of agents silent past the grace.

        Safe to run in several processes at once: each requeue is a state-machine move that
        expects the vanished agent, so only one process can make it."""
        now = time.time()
        requeued: list[str] = []
        silent: list[Any] = await self.redis.zrangebyscore(
            keys.presence(), "-inf", now - timeout_s, withscores=True
        )
        for raw_name, last_seen in silent:
            username = as_text(raw_name)
            if await self.routing.status(username) in ("online", "away"):
                await self.routing.set_presence(username, "offline")
                await self._status_changed(username, "offline", None, now)
            if float(last_seen) > now - grace_s:
                continue
            for conv_id in await self.routing.chats(username):
                requeued += await self.requeue(conv_id, username)
            await self.redis.zrem(keys.presence(), username)
        return requeued

    async def requeue(self, conv_id: str, username: str) -> list[str]:
        state = await self.conversations.state(conv_id)
        if state.owner is not Owner.AGENT or state.agent != username:
            await self.conversations.repair(conv_id)
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
        if self.audit is not None:
            await self.audit.record(
                "system",
                "chat_reassigned",
                conv_id,
                from_agent=username,
                to_group=state.group,
                reason="agent_unavailable",
            )
        return [conv_id]
