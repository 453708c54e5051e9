"""Tickets in SQL: messages customers left when no agent could take the chat."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.models import Ticket
from kefu.errors import ApiError

STATUSES = ("open", "closed")


async def create_ticket(
    engine: AsyncEngine,
    conversation_id: str,
    customer_id: str,
    text: str,
    group: str,
    due_at: datetime,
) -> dict[str, Any]:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ticket = Ticket(
            conversation_id=conversation_id,
            customer_id=customer_id[:128],
            text=text,
            status="open",
            owner=f"group:{group}" if group else "",
            skill_group=group,
            due_at=due_at,
        )
        session.add(ticket)
        await session.commit()
        return ticket.public()


async def list_tickets(
    engine: AsyncEngine,
    status: str | None = None,
    limit: int = 200,
    who: Principal | None = None,
) -> list[dict[str, Any]]:
    """Tickets by due time; only those ``who`` may see (``handoff.access``) when given."""
    if status is not None and status not in STATUSES:
        raise ApiError(400, "invalid_status", "status must be open or closed")
    query = select(Ticket).order_by(Ticket.due_at).limit(limit)
    if status:
        query = query.where(Ticket.status == status)
    groups = access.ticket_groups(who) if who is not None else None
    if who is not None and groups is not None:
        query = query.where(
            or_(Ticket.skill_group.in_(sorted(groups)), Ticket.owner == who.username)
        )
    async with AsyncSession(engine) as session:
        return [t.public() for t in (await session.scalars(query)).all()]


async def close_ticket(
    engine: AsyncEngine, ticket_id: int, who: Principal, resolution: str
) -> dict[str, Any]:
    username = who.username
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ticket = await session.get(Ticket, ticket_id)
        if ticket is None:
            raise ApiError(404, "unknown_ticket", f"no ticket {ticket_id}")
        if not access.ticket_visible(who, ticket.skill_group, ticket.owner):
            raise ApiError(403, "not_your_group", "this ticket belongs to another skill group")
        if ticket.status == "closed":
            raise ApiError(409, "ticket_closed", f"ticket {ticket_id} is already closed")
        ticket.status = "closed"
        ticket.closed_at = datetime.now(UTC)
        ticket.closed_by = username
        ticket.owner = username
        ticket.resolution = resolution[:64]
        await session.commit()
        return ticket.public()
