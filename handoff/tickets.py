"""Tickets in SQL: complaints, after-sales reviews, invoices, messages left when nobody could
take the chat. Creating, finding and listing them; their state changes are in
``handoff.ticket_flow``, their kinds and state machine in ``handoff.ticket_states``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from redis.exceptions import LockError
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
from kefu import redis_keys as keys
from kefu.errors import ApiError
from kefu.masking import mask_text

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from handoff.conversation import Conversations

DEFAULT_TZ = "Asia/Shanghai"
LOCK_WAIT_S = 5.0


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


def handoff_ticket_text(packet: dict[str, Any]) -> str:
    """What a ticket made from a handoff packet says: the summary, then the customer's recent
    lines (the packet is already masked)."""
    lines = [str(packet.get("summary") or "").strip()]
    for turn in packet.get("transcript") or []:
        if isinstance(turn, dict) and turn.get("from") == "customer" and turn.get("text"):
            lines.append(f"客户 / customer: {turn['text']}")
    return "\n".join(line for line in lines if line)[:4000] or "-"


def handoff_ticket_kind(packet: dict[str, Any]) -> tuple[str, str]:
    """A handoff's ticket type and priority: a complaint is a complaint ticket; an invoice
    question an invoice ticket; the after-sales group's work an after-sales review; anything
    else a message the customer left."""
    intents = [str(i.get("name", "")) for i in packet.get("intents") or [] if isinstance(i, dict)]
    high = packet.get("reason") in ("complaint", "vip") or int(packet.get("priority") or 0) >= 2
    priority = "high" if high else "normal"
    if packet.get("reason") == "complaint":
        return "complaint", priority
    if "request_invoice" in intents[:1]:
        return "invoice", priority
    if packet.get("skill_group") == "aftersales":
        return "after_sales", priority
    return "left_message", priority


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


async def ticket_for_handoff(
    engine: AsyncEngine,
    conversations: Conversations,
    packet: dict[str, Any],
    *,
    timezone: str,
) -> dict[str, Any]:
    """The ticket behind a handoff nobody can take now, or behind a complaint (always one):
    the conversation's open ticket if it has one, else a new one with the packet. Returns
    ``{"id", "due_at", "type", "status"}`` with ``due_at`` in the shop's time zone, which is
    what the bot tells the customer."""
    conversation_id = packet["conversation_id"]
    async with _ticket_lock(conversations.redis, conversation_id):
        ticket = await _find_or_make(engine, conversations, packet, timezone)
    return {
        "id": ticket["id"],
        "due_at": local_time(str(ticket["due_at"]), timezone),
        "type": ticket["type"],
        "status": ticket["status"],
    }


@contextlib.asynccontextmanager
async def _ticket_lock(redis: Redis, conversation_id: str) -> AsyncIterator[None]:
    """One finder-or-maker of a conversation's ticket at a time (a complaint's handoff and a
    give-up of the same moment make one ticket). redis-py's lock: a token owned by this holder,
    released by a script only while it is still ours. Waits up to ``LOCK_WAIT_S``; after that it
    goes on unlocked (a second ticket is better than a lost one)."""
    lock = redis.lock(
        keys.conv_ticket_lock(conversation_id),
        timeout=LOCK_WAIT_S,
        sleep=0.05,
        blocking_timeout=LOCK_WAIT_S,
    )
    held = bool(await lock.acquire())
    try:
        yield
    finally:
        if held:
            with contextlib.suppress(LockError):  # expired meanwhile: nothing of ours to free
                await lock.release()


async def _find_or_make(
    engine: AsyncEngine, conversations: Conversations, packet: dict[str, Any], timezone: str
) -> dict[str, Any]:
    conversation_id = packet["conversation_id"]
    ticket = await open_ticket_for(engine, conversation_id)
    if ticket is None:
        kind, priority = handoff_ticket_kind(packet)
        ticket = await create_ticket(
            engine,
            conversation_id,
            str((packet.get("customer") or {}).get("id") or ""),
            handoff_ticket_text(packet),
            packet.get("skill_group", ""),
            kind=kind,
            priority=priority,
            channel=str(packet.get("channel") or ""),
            packet=packet,
            timezone=timezone,
        )
        await ticket_linked(conversations.redis, [conversation_id])
        await conversations.append(
            conversation_id,
            "ticket_created",
            {"ticket_id": ticket["id"], "reason": packet.get("reason", "")},
        )
    return ticket


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
