"""Tickets in SQL: complaints, after-sales reviews, invoices, messages left when nobody could
take the chat. Creating, finding and listing them; the ticket behind a handoff is made by
``handoff.handoff_tickets``, their state changes are in ``handoff.ticket_flow``, their kinds and
state machine in ``handoff.ticket_states``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import defer

from handoff import access
from handoff.accounts import Principal
from handoff.models import Ticket
from handoff.ticket_marks import ticket_linked
from handoff.ticket_models import TicketConversation, TicketEntry
from handoff.ticket_policy import load_policy
from handoff.ticket_states import (
    CLOCK_STATES,
    OPEN_STATES,
    STATES,
    require_priority,
    require_type,
)
from handoff.workdays import Calendar
from kefu.errors import ApiError
from kefu.masking import mask_text

if TYPE_CHECKING:
    from redis.asyncio import Redis

DEFAULT_TZ = "Asia/Shanghai"


async def create_ticket(
    engine: AsyncEngine,
    conversation_id: str,
    customer_id: str,
    text: str,
    group: str,
    due_at: datetime | None = None,
    *,
    kind: str = "left_message",
    priority: str = "normal",
    channel: str = "",
    packet: dict[str, Any] | None = None,
    created_by: str = "",
    assignee: str = "",
    timezone: str = DEFAULT_TZ,
) -> dict[str, Any]:
    """A new ticket; its due time from the type's rule and the working-day calendar unless
    ``due_at`` is given."""
    require_type(kind)
    require_priority(priority)
    now = datetime.now(UTC)
    if due_at is None:
        policy = await load_policy(engine)
        due_at = policy.due_at(kind, now, await Calendar.load(engine, timezone))
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ticket = Ticket(
            conversation_id=conversation_id,
            customer_id=customer_id[:128],
            channel=channel[:16],
            type=kind,
            priority=priority,
            # stored masked, like every record that outlives the chat
            text=mask_text(text[:20000]) or "-",
            status="assigned" if assignee else "new",
            assignee=assignee,
            skill_group=group,
            packet=packet,
            created_by=created_by,
            due_at=due_at,
            created_at=now,
            updated_at=now,
        )
        session.add(ticket)
        await session.flush()
        if conversation_id:
            session.add(TicketConversation(ticket_id=ticket.id, conversation_id=conversation_id))
        session.add(
            TicketEntry(
                ticket_id=ticket.id,
                kind="state",
                author=created_by or "system",
                text="",
                visible=True,
                data={"to": ticket.status, "type": kind},
            )
        )
        await session.commit()
        return ticket.public()


async def open_ticket_for(engine: AsyncEngine, conversation_id: str) -> dict[str, Any] | None:
    """The conversation's open ticket, if it has one. A path that links a ticket to a
    conversation or reopens one calls ``handoff.ticket_marks.ticket_linked`` after its commit
    (the per-message look-up trusts a remembered "none" until then)."""
    query = (
        select(Ticket)
        .join(TicketConversation, TicketConversation.ticket_id == Ticket.id)
        .where(
            TicketConversation.conversation_id == conversation_id,
            Ticket.status.in_(OPEN_STATES),
        )
        .order_by(Ticket.id.desc())
        .limit(1)
    )
    async with AsyncSession(engine) as session:
        ticket = (await session.scalars(query)).first()
        return ticket.public() if ticket is not None else None


async def linked_conversations(engine: AsyncEngine, ticket_id: int) -> list[str]:
    """The conversations linked to a ticket."""
    query = select(TicketConversation.conversation_id).where(
        TicketConversation.ticket_id == ticket_id
    )
    async with AsyncSession(engine) as session:
        return [str(c) for c in (await session.scalars(query)).all()]


async def mark_reopened(redis: Redis, engine: AsyncEngine, ticket: dict[str, Any]) -> None:
    """After a state change: a ticket now open again counts as linked to its conversations
    (``handoff.ticket_marks``)."""
    if ticket.get("status") in OPEN_STATES:
        await ticket_linked(redis, await linked_conversations(engine, int(ticket["id"])))


def local_time(value: str, timezone: str) -> str:
    due = datetime.fromisoformat(value)
    if due.tzinfo is None:  # SQLite gives naive datetimes back; they are stored in UTC
        due = due.replace(tzinfo=UTC)
    return due.astimezone(ZoneInfo(timezone)).isoformat()


async def list_tickets(
    engine: AsyncEngine,
    status: str | None = None,
    limit: int = 200,
    who: Principal | None = None,
    *,
    mine: bool = False,
    group: str | None = None,
    kind: str | None = None,
    assignee: str | None = None,
    overdue: bool = False,
    offset: int = 0,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Tickets by due time, filtered; only those ``who`` may see (``handoff.access``) when
    given. ``status`` is a state or ``open`` (every unfinished state); ``overdue``: the clock
    runs and the due time has passed."""
    if status is not None and status not in (*STATES, "open"):
        raise ApiError(400, "invalid_status", f"status must be open or one of {', '.join(STATES)}")
    if kind is not None:
        require_type(kind)
    # The list never shows the packet (the ticket view does): not read, not decoded per row.
    query = (
        select(Ticket)
        .options(defer(Ticket.packet))
        .order_by(Ticket.due_at, Ticket.id)
        .limit(limit)
        .offset(offset)
    )
    if status == "open":
        query = query.where(Ticket.status.in_(OPEN_STATES))
    elif status:
        query = query.where(Ticket.status == status)
    if overdue:
        query = query.where(
            and_(Ticket.status.in_(CLOCK_STATES), Ticket.due_at < (now or datetime.now(UTC)))
        )
    if kind:
        query = query.where(Ticket.type == kind)
    if group:
        query = query.where(Ticket.skill_group == group)
    if assignee is not None:
        query = query.where(Ticket.assignee == assignee)
    if who is not None and mine:
        query = query.where(Ticket.assignee == who.username)
    groups = access.ticket_groups(who) if who is not None else None
    if who is not None and groups is not None:
        query = query.where(
            or_(Ticket.skill_group.in_(sorted(groups)), Ticket.assignee == who.username)
        )
    async with AsyncSession(engine) as session:
        return [t.public() for t in (await session.scalars(query)).all()]


async def get_ticket(engine: AsyncEngine, ticket_id: int, who: Principal) -> dict[str, Any]:
    """One ticket with its packet, log and conversations (internal notes included: staff)."""
    async with AsyncSession(engine) as session:
        ticket = await session.get(Ticket, ticket_id)
        if ticket is None:
            raise ApiError(404, "unknown_ticket", f"no ticket {ticket_id}")
        access.require_ticket(who, ticket.skill_group, ticket.assignee)
        entries = await session.scalars(
            select(TicketEntry).where(TicketEntry.ticket_id == ticket_id).order_by(TicketEntry.id)
        )
        links = await session.scalars(
            select(TicketConversation.conversation_id)
            .where(TicketConversation.ticket_id == ticket_id)
            .order_by(TicketConversation.created_at)
        )
        body = ticket.public()
        body["packet"] = ticket.packet or {}
        body["log"] = [e.public() for e in entries.all()]
        body["conversations"] = list(links.all())
        return body
