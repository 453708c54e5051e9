"""Tickets in SQL: messages customers left, handoffs nobody could take, and complaints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.models import Ticket
from kefu.errors import ApiError

if TYPE_CHECKING:
    from handoff.conversation import Conversations

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


def handoff_ticket_text(packet: dict[str, Any]) -> str:
    """What a ticket made from a handoff packet says: the summary, then the customer's recent
    lines (the packet is already masked)."""
    lines = [str(packet.get("summary") or "").strip()]
    for turn in packet.get("transcript") or []:
        if isinstance(turn, dict) and turn.get("from") == "customer" and turn.get("text"):
            lines.append(f"客户 / customer: {turn['text']}")
    return "\n".join(line for line in lines if line)[:4000] or "-"


async def open_ticket_for(engine: AsyncEngine, conversation_id: str) -> dict[str, Any] | None:
    """The conversation's open ticket, if it has one."""
    query = (
        select(Ticket)
        .where(Ticket.conversation_id == conversation_id, Ticket.status == "open")
        .order_by(Ticket.id.desc())
        .limit(1)
    )
    async with AsyncSession(engine) as session:
        ticket = (await session.scalars(query)).first()
        return ticket.public() if ticket is not None else None


async def ticket_for_handoff(
    engine: AsyncEngine,
    conversations: Conversations,
    packet: dict[str, Any],
    *,
    due_hours: float,
    timezone: str,
) -> dict[str, Any]:
    """The ticket behind a handoff nobody can take now, or behind a complaint (always one):
    the conversation's open ticket if it has one, else a new one with the packet's summary and
    the customer's lines. Returns ``{"id", "due_at"}`` with ``due_at`` in the shop's time zone,
    which is what the bot tells the customer."""
    conversation_id = packet["conversation_id"]
    ticket = await open_ticket_for(engine, conversation_id)
    if ticket is None:
        ticket = await create_ticket(
            engine,
            conversation_id,
            str((packet.get("customer") or {}).get("id") or ""),
            handoff_ticket_text(packet),
            packet.get("skill_group", ""),
            datetime.now(UTC) + timedelta(hours=due_hours),
        )
        await conversations.append(
            conversation_id,
            "ticket_created",
            {"ticket_id": ticket["id"], "reason": packet.get("reason", "")},
        )
    due = datetime.fromisoformat(ticket["due_at"])
    if due.tzinfo is None:  # SQLite gives naive datetimes back; they are stored in UTC
        due = due.replace(tzinfo=UTC)
    return {"id": ticket["id"], "due_at": due.astimezone(ZoneInfo(timezone)).isoformat()}


async def add_to_ticket(engine: AsyncEngine, ticket_id: int, text: str) -> dict[str, Any]:
    """What the customer adds later (a left message, a phone number) joins the ticket's text."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ticket = await session.get(Ticket, ticket_id)
        if ticket is None:
            raise ApiError(404, "unknown_ticket", f"no ticket {ticket_id}")
        ticket.text = f"{ticket.text}\n客户补充 / customer added: {text}"[:20000]
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
