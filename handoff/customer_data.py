"""A customer's rights over what kefu holds about them (PIPL articles 45 and 47): export all of
it, or erase it. Used by the admin API (``console``) and ``kefu customer export|erase ID``; both
write the audit log.

What kefu holds about a customer, found by the customer id:
- SQL: tickets (``tickets.customer_id``), conversation facts (``conversation_facts.customer_id``),
  archived conversations of those conversations or whose handoff packet names the customer;
- Redis: the state, events and handoff packet of those conversations when they are closed
  (erase is refused while a person serves one of them: queued or with an agent).
The shop's own records (orders, refunds: ``shop/``) are the shop's system of record, not kefu's;
the unanswered-question list holds masked text with no customer id; Rasa's trackers of these
conversations expire by themselves after 7 days (``record_exp`` in endpoints.yml).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.audit import AuditLog
from handoff.conversation import Conversations, Owner
from handoff.models import ConversationArchive, ConversationFact, Ticket
from handoff.rollups import touch
from kefu import redis_keys as keys
from kefu.errors import ApiError

__all__ = ["CustomerData"]

MAX_ID = 128  # the width of the customer_id columns
SCAN_BATCH = 500


def check_customer_id(customer_id: str) -> str:
    value = customer_id.strip()
    if not value or len(value) > MAX_ID:
        raise ApiError(400, "invalid_customer_id", f"a customer id is 1 to {MAX_ID} characters")
    return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _packet_customer(packet: dict[str, Any] | None) -> str:
    customer = (packet or {}).get("customer") or {}
    return str(customer.get("id", "")) if isinstance(customer, dict) else ""


class CustomerData:
    def __init__(self, engine: AsyncEngine, redis: Redis, audit: AuditLog) -> None:
        self.engine = engine
        self.conversations = Conversations(redis)
        self.audit = audit

    async def export(self, customer_id: str, actor: str) -> dict[str, Any]:
        """Everything kefu holds about the customer, as one JSON-ready object."""
        customer_id = check_customer_id(customer_id)
        async with AsyncSession(self.engine) as session:
            tickets = (await session.scalars(self._tickets(customer_id))).all()
            facts = (await session.scalars(self._facts(customer_id))).all()
            archives = await self._archives(session, customer_id, tickets, facts)
        ids = sorted(
            {t.conversation_id for t in tickets}
            | {f.conversation_id for f in facts}
            | {a.conversation_id for a in archives}
        )
        live = [await self._live(conv_id) for conv_id in ids]
        await self.audit.record(actor, "customer.export", customer_id, conversations=len(ids))
        return {
            "customer_id": customer_id,
            "exported_at": datetime.now(UTC).isoformat(),
            "conversations": ids,
            "tickets": [t.public() for t in tickets],
            "conversation_facts": [f.public() for f in facts],
            "archives": [
                {
                    "conversation_id": a.conversation_id,
                    "closed_at": _iso(a.closed_at),
                    "agent": a.agent,
                    "skill_group": a.skill_group,
                    "resolution": a.resolution,
                    "packet": a.packet,
                    "transcript": a.transcript,
                }
                for a in archives
            ],
            "live": [entry for entry in live if entry is not None],
        }

    async def erase(self, customer_id: str, actor: str) -> dict[str, int]:
        """Delete what kefu holds about the customer; counts of what went. Refused (409) while
        one of their conversations is still open, so nothing is erased halfway."""
        customer_id = check_customer_id(customer_id)
        async with AsyncSession(self.engine) as session:
            tickets = (await session.scalars(self._tickets(customer_id))).all()
            facts = (await session.scalars(self._facts(customer_id))).all()
            archives = await self._archives(session, customer_id, tickets, facts)
            ids = (
                {t.conversation_id for t in tickets}
                | {f.conversation_id for f in facts}
                | {a.conversation_id for a in archives}
            )
            for conv_id in sorted(ids):
                state = await self.conversations.state(conv_id)
                if state.owner in (Owner.QUEUED, Owner.AGENT):
                    raise ApiError(
                        409,
                        "conversation_open",
                        "a person is serving the customer now; erase after the chat is closed",
                        conversation_id=conv_id,
                    )
            await session.execute(delete(Ticket).where(Ticket.customer_id == customer_id))
            await session.execute(
                delete(ConversationFact).where(ConversationFact.customer_id == customer_id)
            )
            await touch(session, [f.ended_at for f in facts])  # their days' roll-ups change
            if archives:
                await session.execute(
                    delete(ConversationArchive).where(
                        ConversationArchive.id.in_([a.id for a in archives])
                    )
                )
            await session.commit()
        redis_keys = 0
        for conv_id in sorted(ids):
            redis_keys += int(
                await self.conversations.redis.delete(
                    keys.conv_state(conv_id), keys.conv_events(conv_id), keys.conv_packet(conv_id)
                )
            )
        counts = {
            "conversations": len(ids),
            "tickets": len(tickets),
            "conversation_facts": len(facts),
            "archives": len(archives),
            "redis_keys": redis_keys,
        }
        await self.audit.record(actor, "customer.erase", customer_id, **counts)
        return counts

    @staticmethod
    def _tickets(customer_id: str) -> Any:
        return select(Ticket).where(Ticket.customer_id == customer_id).order_by(Ticket.id)

    @staticmethod
    def _facts(customer_id: str) -> Any:
        return (
            select(ConversationFact)
            .where(ConversationFact.customer_id == customer_id)
            .order_by(ConversationFact.started_at)
        )

    @staticmethod
    async def _archives(
        session: AsyncSession, customer_id: str, tickets: Any, facts: Any
    ) -> list[ConversationArchive]:
        """Archives of the customer's conversations, and any whose packet names them (an
        archive keeps no customer column: the packet is scanned in batches)."""
        known = {t.conversation_id for t in tickets} | {f.conversation_id for f in facts}
        found: list[ConversationArchive] = []
        last_id = 0
        while True:
            batch = (
                await session.scalars(
                    select(ConversationArchive)
                    .where(ConversationArchive.id > last_id)
                    .order_by(ConversationArchive.id)
                    .limit(SCAN_BATCH)
                )
            ).all()
            if not batch:
                return found
            last_id = batch[-1].id
            found += [
                a
                for a in batch
                if a.conversation_id in known or _packet_customer(a.packet) == customer_id
            ]

    async def _live(self, conversation_id: str) -> dict[str, Any] | None:
        state = await self.conversations.state(conversation_id)
        if not state.seq:
            return None
        events = await self.conversations.events(conversation_id, 0, limit=10_000)
        return {
            "conversation_id": conversation_id,
            "owner": str(state.owner.value),
            "events": [e.as_dict() for e in events],
        }
