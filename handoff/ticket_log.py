"""Lines added to a ticket's log: an agent's internal note or customer-visible progress, what
the customer adds later (masked; an answer to a ticket waiting for them starts its clock again),
and the notice that an update could not reach the customer. A note or a progress line bumps the
ticket's version (``handoff.ticket_flow.write_ticket``); the customer's lines and notices are
added without it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.models import Ticket
from handoff.ticket_flow import SYSTEM, change_state, load_ticket, write_ticket
from handoff.ticket_models import TicketConversation, TicketEntry
from handoff.ticket_states import OPEN_STATES
from kefu.errors import ApiError
from kefu.masking import mask_text


async def add_entry(
    engine: AsyncEngine,
    ticket_id: int,
    who: Principal,
    text: str,
    *,
    visible: bool,
) -> dict[str, Any]:
    """An internal note (``visible`` false) or a progress line the customer reads. A closed
    ticket takes neither: reopen it first."""
    text = text.strip()
    if not text:
        raise ApiError(400, "empty_text", "the text must not be empty")
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ticket = await load_ticket(session, ticket_id)
        access.require_ticket(who, ticket.skill_group, ticket.assignee)
        if ticket.status == "closed":
            raise ApiError(409, "ticket_closed", f"ticket {ticket_id} is closed; reopen it first")
        entry = TicketEntry(
            ticket_id=ticket_id,
            kind="progress" if visible else "note",
            author=who.username,
            text=text[:4000],
            visible=visible,
        )
        await write_ticket(session, ticket, {}, entry)
        return entry.public()


async def add_to_ticket(
    engine: AsyncEngine,
    ticket_id: int,
    text: str,
    *,
    conversation_id: str = "",
    timezone: str = "Asia/Shanghai",
) -> dict[str, Any]:
    """What the customer adds later (details, a phone number, an answer) joins the ticket's
    log, masked (``kefu.masking``); an answer to a ticket waiting for them starts its clock
    again."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ticket = await load_ticket(session, ticket_id)
        if ticket.status not in OPEN_STATES:
            raise ApiError(409, "ticket_closed", f"ticket {ticket_id} is no longer open")
        session.add(
            TicketEntry(
                ticket_id=ticket_id,
                kind="customer",
                author="customer",
                text=mask_text(text)[:4000],
                visible=True,
            )
        )
        if conversation_id:
            link = await session.get(TicketConversation, (ticket_id, conversation_id))
            if link is None:
                session.add(
                    TicketConversation(ticket_id=ticket_id, conversation_id=conversation_id)
                )
        await session.commit()
        waiting = ticket.status == "waiting_customer"
    if waiting:
        return await change_state(engine, ticket_id, None, "in_progress", timezone=timezone)
    async with AsyncSession(engine) as session:
        return (await load_ticket(session, ticket_id)).public()


async def mark_unreachable(engine: AsyncEngine, ticket_id: int, channel: str = "wechat") -> None:
    """An update could not reach the customer on ``channel`` (WeChat's window closed and no
    template): the ticket's log says so, for the agent to call or wait."""
    async with AsyncSession(engine) as session:
        if await session.get(Ticket, ticket_id) is None:
            return
        session.add(
            TicketEntry(
                ticket_id=ticket_id,
                kind="notice",
                author=SYSTEM,
                text="微信无法触达客户：请电话联系或等客户再来消息 / "
                "not reachable on WeChat: call the customer or wait for them to write",
                visible=False,
                data={"unreachable": channel},
            )
        )
        await session.commit()
