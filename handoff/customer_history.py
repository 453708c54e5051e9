"""A customer's history across channels, for the agent's customer panel: their past (ended)
conversations from ``conversation_facts``, paged, each with its read-only transcript from
``conversation_archives``; and their open tickets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.models import ConversationArchive, ConversationFact, Ticket

__all__ = [
    "CLOSED_TICKET_STATES",
    "PAGE_MAX",
    "archived_transcript",
    "is_archived",
    "last_archived",
    "open_tickets",
    "past_page",
]

PAGE_MAX = 50
CLOSED_TICKET_STATES = ("closed", "resolved", "cancelled")


def _fact(row: ConversationFact) -> dict[str, Any]:
    keep = (
        "conversation_id",
        "channel",
        "lang",
        "started_at",
        "ended_at",
        "intents",
        "bot_only",
        "handoff_reason",
        "agent",
        "resolution",
        "ticket_id",
        "rating",
    )
    public = row.public()
    return {k: public[k] for k in keep}


async def past_page(
    engine: AsyncEngine, customer_id: str, offset: int = 0, limit: int = 10
) -> dict[str, Any]:
    """One page of the customer's ended conversations, newest first:
    ``{"items", "total", "offset", "next_offset"}`` (``next_offset`` None on the last page)."""
    limit = max(1, min(limit, PAGE_MAX))
    offset = max(0, offset)
    async with AsyncSession(engine) as session:
        total = await session.scalar(
            select(func.count())
            .select_from(ConversationFact)
            .where(ConversationFact.customer_id == customer_id)
        )
        rows = (
            await session.scalars(
                select(ConversationFact)
                .where(ConversationFact.customer_id == customer_id)
                .order_by(ConversationFact.ended_at.desc(), ConversationFact.conversation_id)
                .offset(offset)
                .limit(limit)
            )
        ).all()
    total = int(total or 0)
    following = offset + len(rows)
    return {
        "items": [_fact(r) for r in rows],
        "total": total,
        "offset": offset,
        "next_offset": following if following < total else None,
    }


async def archived_transcript(
    engine: AsyncEngine, customer_id: str, conversation_id: str
) -> dict[str, Any] | None:
    """The last archived transcript of one of the customer's past conversations; None when the
    conversation is not theirs (or was never archived)."""
    async with AsyncSession(engine) as session:
        fact = await session.get(ConversationFact, conversation_id)
        if fact is None or fact.customer_id != customer_id:
            return None
        archive = await session.scalar(
            select(ConversationArchive)
            .where(ConversationArchive.conversation_id == conversation_id)
            .order_by(ConversationArchive.closed_seq.desc())
            .limit(1)
        )
    return {
        **_fact(fact),
        "transcript": list(archive.transcript) if archive is not None else [],
    }


async def last_archived(
    engine: AsyncEngine, customer_id: str, channel: str
) -> dict[str, Any] | None:
    """The customer's most recently ended conversation on ``channel``, with its archived
    transcript (what the customer and the bot or agent said, masked), for the customer to read
    again; None when they have none. Only ever asked with the customer's own verified id."""
    if not customer_id:
        return None
    async with AsyncSession(engine) as session:
        fact = await session.scalar(
            select(ConversationFact)
            .where(ConversationFact.customer_id == customer_id)
            .where(ConversationFact.channel == channel)
            .order_by(ConversationFact.ended_at.desc(), ConversationFact.conversation_id)
            .limit(1)
        )
    if fact is None:
        return None
    return await archived_transcript(engine, customer_id, fact.conversation_id)


async def is_archived(engine: AsyncEngine, conversation_id: str) -> bool:
    """Whether a conversation has ended and was archived (its id is not to be used again)."""
    async with AsyncSession(engine) as session:
        return await session.get(ConversationFact, conversation_id) is not None


async def open_tickets(engine: AsyncEngine, customer_id: str, limit: int = 20) -> list[Any]:
    """The customer's tickets not closed yet, newest first."""
    async with AsyncSession(engine) as session:
        rows = (
            await session.scalars(
                select(Ticket)
                .where(
                    Ticket.customer_id == customer_id,
                    Ticket.status.notin_(CLOSED_TICKET_STATES),
                )
                .order_by(Ticket.created_at.desc())
                .limit(limit)
            )
        ).all()
    return [
        {
            "id": t.id,
            "conversation_id": t.conversation_id,
            "status": t.status,
            "created_at": t.created_at.isoformat() if t.created_at else None,
        }
        for t in rows
    ]
