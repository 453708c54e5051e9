"""A ticket's state changes: through the one state machine (``handoff.ticket_states``),
assignment (also when an agent takes the ticket's chat), the clock that pauses while waiting for
the customer, and closing tickets that waited in silence too long. Lines added to a ticket's log
(notes, progress, what the customer adds) are ``handoff.ticket_log``.

Every change bumps the ticket's ``version`` with a conditional UPDATE on the version it read:
of two agents resolving one ticket at once, one wins and the other gets a 409."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.models import Ticket
from handoff.ticket_followup import FOLLOWUP_TYPES, new_followup
from handoff.ticket_models import TicketEntry
from handoff.ticket_notify import tell_customer
from handoff.ticket_policy import Policy, load_policy
from handoff.ticket_states import require_transition
from handoff.workdays import Calendar
from kefu.errors import ApiError

if TYPE_CHECKING:
    from handoff.conversation import Conversations

SYSTEM = "system"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def load_ticket(session: AsyncSession, ticket_id: int) -> Ticket:
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        raise ApiError(404, "unknown_ticket", f"no ticket {ticket_id}")
    return ticket


async def write_ticket(
    session: AsyncSession, ticket: Ticket, values: dict[str, Any], entry: TicketEntry | None
) -> None:
    """Apply ``values`` if nobody changed the ticket since it was read, with the log entry."""
    ticket_id, version = ticket.id, ticket.version
    values = {**values, "version": version + 1, "updated_at": datetime.now(UTC)}
    result = await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.version == version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        await session.rollback()
        raise ApiError(
            409,
            "ticket_changed",
            f"ticket {ticket_id} was changed by someone else meanwhile; reload it",
        )
    if entry is not None:
        session.add(entry)
    await session.commit()


def _clock_values(
    ticket: Ticket, new: str, now: datetime, policy: Policy, calendar: Calendar
) -> dict[str, Any]:
    """The clock stops on entering ``waiting_customer`` and runs again on leaving it; a reopened
    ticket gets the type's full time again."""
    values: dict[str, Any] = {}
    if new == "waiting_customer" and ticket.clock_left_s is None:
        left = policy.left_at(ticket.type, _aware(ticket.due_at), now, calendar)
        values.update(clock_left_s=left, waiting_since=now)
    elif new != "waiting_customer" and ticket.clock_left_s is not None:
        values.update(
            due_at=policy.resume(ticket.type, now, ticket.clock_left_s, calendar),
            clock_left_s=None,
            waiting_since=None,
        )
    if new == "reopened":
        values.update(
            due_at=policy.due_at(ticket.type, now, calendar),
            resolved_at=None,
            closed_at=None,
            escalation_level=0,
        )
    if new == "resolved":
        values["resolved_at"] = now
    if new == "closed":
        values["closed_at"] = now
    return values


async def change_state(
    engine: AsyncEngine,
    ticket_id: int,
    who: Principal | None,
    new: str,
    *,
    timezone: str,
    version: int | None = None,
    note: str = "",
    resolution: str = "",
    assignee: str | None = None,
) -> dict[str, Any]:
    """Move a ticket to ``new`` (``who`` None: the system). ``version``, when given, must be
    the one the caller saw; ``assignee`` goes with ``assigned``."""
    now = datetime.now(UTC)
    policy = await load_policy(engine)
    calendar = await Calendar.load(engine, timezone)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ticket = await load_ticket(session, ticket_id)
        if who is not None:
            access.require_ticket(who, ticket.skill_group, ticket.assignee)
        if version is not None and version != ticket.version:
            raise ApiError(
                409, "ticket_changed", f"ticket {ticket_id} changed since you saw it; reload it"
            )
        require_transition(ticket_id, ticket.status, new)
        values = _clock_values(ticket, new, now, policy, calendar)
        values["status"] = new
        actor = who.username if who is not None else SYSTEM
        if new == "assigned":
            values["assignee"] = (assignee or actor)[:64]
        elif new == "in_progress" and not ticket.assignee and who is not None:
            values["assignee"] = actor
        if new == "closed":
            values["closed_by"] = actor
        if new in ("resolved", "closed") and resolution:
            values["resolution"] = resolution[:64]
        entry = TicketEntry(
            ticket_id=ticket_id,
            kind="state",
            author=actor,
            text=note[:4000],
            visible=True,
            data={
                "from": ticket.status,
                "to": new,
                **({"assignee": values["assignee"]} if "assignee" in values else {}),
            },
        )
        if new == "resolved" and ticket.type in FOLLOWUP_TYPES:
            session.add(new_followup(ticket, now, policy, calendar))
        await write_ticket(session, ticket, values, entry)
        await session.refresh(ticket)
        return ticket.public()


async def close_ticket(
    engine: AsyncEngine,
    ticket_id: int,
    who: Principal,
    resolution: str,
    *,
    timezone: str = "Asia/Shanghai",
) -> dict[str, Any]:
    try:
        return await change_state(
            engine, ticket_id, who, "closed", timezone=timezone, resolution=resolution
        )
    except ApiError as exc:
        if exc.code == "invalid_transition" and exc.extra.get("state") == "closed":
            raise ApiError(409, "ticket_closed", f"ticket {ticket_id} is already closed") from None
        raise


async def close_silent(
    engine: AsyncEngine,
    timezone: str,
    now: datetime | None = None,
    conversations: Conversations | None = None,
) -> int:
    """Close the tickets that waited for the customer longer than the setting allows (the
    customer is told on their conversation when ``conversations`` is given)."""
    now = now or datetime.now(UTC)
    policy = await load_policy(engine)
    limit = now.timestamp() - policy.auto_close_s
    async with AsyncSession(engine) as session:
        rows = await session.scalars(
            select(Ticket).where(Ticket.status == "waiting_customer").limit(500)
        )
        silent = [
            t.id
            for t in rows.all()
            if t.waiting_since and _aware(t.waiting_since).timestamp() <= limit
        ]
    closed = 0
    for ticket_id in silent:
        try:
            ticket = await change_state(
                engine,
                ticket_id,
                None,
                "closed",
                timezone=timezone,
                resolution="no_reply",
                note="客户长时间未回复，工单自动关闭 / closed after the customer's silence",
            )
            closed += 1
            if conversations is not None:
                await tell_customer(conversations, ticket, state="closed")
        except ApiError:  # another process closed it, or the customer just answered
            continue
    return closed


async def assign_on_take(
    engine: AsyncEngine, conversation_id: str, agent: str, *, timezone: str
) -> dict[str, Any] | None:
    """An agent took the conversation (accepted or auto-assigned): its open ticket without an
    assignee (a complaint's, above all) becomes theirs. Closing the chat later leaves the
    ticket as it is: a ticket is resolved on its own."""
    from handoff.tickets import open_ticket_for

    ticket = await open_ticket_for(engine, conversation_id)
    if ticket is None or ticket["assignee"]:
        return None
    try:
        return await change_state(
            engine,
            int(ticket["id"]),
            None,
            "assigned",
            timezone=timezone,
            version=int(ticket["version"]),
            assignee=agent,
            note="接入会话的客服成为负责人 / the agent who took the chat owns the ticket",
        )
    except ApiError:  # someone assigned or changed it meanwhile: theirs stands
        return None
