"""The live board of team leads and supervisors: one snapshot of the groups and agents they run.

Per group: waiting, longest wait, assigned, SLA breaches now (a conversation waiting, or assigned
and still without a first agent reply, longer than its group's first-response target). Per
agent: status (and why away), load against capacity, time in status, chats ended today and
their average first response (from ``conversation_facts``, "today" in ``KEFU_TIMEZONE``).
Plus the recent SLA breaches and the overdue open tickets of those groups, which the console
socket turns into alerts.

Which groups a person sees is ``handoff.access.board_groups``."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.conversation import ConversationState, Owner
from handoff.models import ConversationFact, SlaBreach, Ticket
from handoff.queue import QueueService
from handoff.ticket_states import CLOCK_STATES
from kefu import redis_keys as keys
from kefu.redis_client import as_text

RECENT_BREACHES = 50
STATE_BATCH = 50


class Board:
    def __init__(self, queue: QueueService, engine: AsyncEngine) -> None:
        self.queue = queue
        self.redis = queue.redis
        self.engine = engine

    async def snapshot(self, groups: list[str], now: float | None = None) -> dict[str, Any]:
        now = now or time.time()
        wanted = set(groups)
        rows = {g: _group_row(g, self.queue.first_response_target(g)) for g in groups}
        big_sale = await self.queue.big_sale()
        for group in groups:
            if group == "presale" and big_sale:
                rows[group]["sla_target_s"] = self.queue.config.sla_big_sale_presale_s
            for state in await self._states(await self.queue.waiting(group, 1000)):
                if state.owner is not Owner.QUEUED:
                    continue
                queued_at = float(state.extra.get("queued_at", 0) or 0)
                waited = max(0.0, now - queued_at) if queued_at else 0.0
                row = rows[group]
                row["waiting"] += 1
                row["longest_wait_s"] = max(row["longest_wait_s"], round(waited, 1))
                if waited > row["sla_target_s"]:
                    row["sla_breaches_now"] += 1
        held = [as_text(m).partition("|") for m in await self.redis.zrange(keys.chats(), 0, -1)]
        load = Counter(agent for agent, _, _ in held)  # what routing.load counts, all at once
        agents = await self._agents(wanted, now, load)
        chats_of: dict[str, list[str]] = {}
        states = await self._states([conv_id for _, _, conv_id in held])
        for (agent, _, conv_id), state in zip(held, states, strict=True):
            if state.owner is not Owner.AGENT or state.group not in wanted:
                continue
            chats_of.setdefault(agent, []).append(conv_id)
            row = rows[state.group]
            row["assigned"] += 1
            queued_at = float(state.extra.get("queued_at", 0) or 0)
            answered = float(state.extra.get("first_response_at", 0) or 0)
            if queued_at and answered < queued_at and now - queued_at > row["sla_target_s"]:
                row["sla_breaches_now"] += 1
        for agent_row in agents:
            agent_row["chats"] = sorted(chats_of.get(agent_row["username"], []))
        return {
            "at": now,
            "big_sale": big_sale,
            "groups": [rows[g] for g in groups],
            "agents": agents,
            "breaches": await self.breaches(wanted),
            "overdue_tickets": await self.overdue_tickets(wanted, now),
        }

    async def _states(self, ids: list[str]) -> list[ConversationState]:
        """The states of many conversations, read STATE_BATCH at a time concurrently."""
        out: list[ConversationState] = []
        for i in range(0, len(ids), STATE_BATCH):
            chunk = ids[i : i + STATE_BATCH]
            out += await asyncio.gather(*(self.queue.conversations.state(c) for c in chunk))
        return out

    async def _agents(
        self, wanted: set[str], now: float, load: Counter[str]
    ) -> list[dict[str, Any]]:
        profiles = await self.redis.hgetall(keys.agent_profiles())
        statuses = await self.redis.hgetall(keys.agent_status())
        since = await self.redis.hgetall(keys.agent_status_since())
        reasons = await self.redis.hgetall(keys.agent_away_reason())
        status_of = {as_text(k): as_text(v) for k, v in statuses.items()}
        since_of = {as_text(k): float(as_text(v)) for k, v in since.items()}
        reason_of = {as_text(k): as_text(v) for k, v in reasons.items()}
        found = []
        for raw_name, raw_profile in profiles.items():
            name = as_text(raw_name)
            profile = json.loads(raw_profile)
            agent_groups = [g for g in profile.get("groups", []) if g in wanted]
            if not agent_groups:
                continue
            status = status_of.get(name, "offline")
            changed = since_of.get(name)
            found.append(
                {
                    "username": name,
                    "name": profile.get("name", name),
                    "skill_groups": agent_groups,
                    "status": status,
                    "away_reason": reason_of.get(name) if status == "away" else None,
                    "in_status_s": round(now - changed, 1) if changed else None,
                    "load": load.get(name, 0),
                    "capacity": int(profile.get("capacity", 0) or 0),
                    "chats_today": 0,
                    "avg_first_response_s": None,
                }
            )
        today = await self._today(
            [a["username"] for a in found], _local_midnight(now, self.queue.config.timezone)
        )
        for agent in found:
            agent["chats_today"], agent["avg_first_response_s"] = today.get(
                agent["username"], (0, None)
            )
        return sorted(found, key=lambda a: (a["status"] != "online", a["username"]))

    async def _today(
        self, agents: list[str], since: datetime
    ) -> dict[str, tuple[int, float | None]]:
        if not agents:
            return {}
        query = (
            select(
                ConversationFact.agent,
                func.count(),
                func.avg(ConversationFact.first_response_s),
            )
            .where(ConversationFact.agent.in_(agents), ConversationFact.ended_at >= since)
            .group_by(ConversationFact.agent)
        )
        async with AsyncSession(self.engine) as session:
            rows = (await session.execute(query)).all()
        return {
            str(agent): (int(count), None if avg is None else round(float(avg), 1))
            for agent, count, avg in rows
        }

    async def breaches(self, groups: set[str]) -> list[dict[str, Any]]:
        """The most recent SLA breaches of these groups: who escalated what, to whom, when."""
        query = (
            select(SlaBreach)
            .where(SlaBreach.skill_group.in_(groups))
            .order_by(SlaBreach.id.desc())
            .limit(RECENT_BREACHES)
        )
        async with AsyncSession(self.engine) as session:
            return [b.public() for b in (await session.scalars(query)).all()]

    async def overdue_tickets(self, groups: set[str], now: float) -> list[dict[str, Any]]:
        query = (
            select(Ticket)
            .where(
                Ticket.status.in_(CLOCK_STATES),  # a ticket waiting for the customer is paused
                Ticket.skill_group.in_(groups),
                Ticket.due_at < datetime.fromtimestamp(now, UTC),
            )
            .order_by(Ticket.due_at)
            .limit(100)
        )
        async with AsyncSession(self.engine) as session:
            rows = (await session.scalars(query)).all()
        return [
            {
                "id": t.id,
                "skill_group": t.skill_group,
                "owner": t.assignee or f"group:{t.skill_group}",
                "due_at": t.due_at.isoformat(),
                "conversation_id": t.conversation_id,
            }
            for t in rows
        ]


def _group_row(group: str, target: float) -> dict[str, Any]:
    return {
        "skill_group": group,
        "waiting": 0,
        "longest_wait_s": 0.0,
        "assigned": 0,
        "sla_breaches_now": 0,
        "sla_target_s": target,
    }


def _local_midnight(now: float, tz: str) -> datetime:
    local = datetime.fromtimestamp(now, ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
