"""The tickets' background duties, run by every staff-console process: overdue tickets escalate
like chats (the group's team lead when the due time passes, a supervisor when it stays overdue
``supervisor_after_hours`` longer), each step recorded in the ticket's log; tickets that waited
in silence too long close (``handoff.ticket_flow.close_silent``).

An escalation is one conditional UPDATE on the ticket's version and level, so several processes
never escalate one ticket twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.models import Ticket
from handoff.ticket_flow import close_silent
from handoff.ticket_models import TicketEntry
from handoff.ticket_policy import load_policy
from handoff.ticket_states import CLOCK_STATES

if TYPE_CHECKING:
    from handoff.conversation import Conversations

LEVELS = {1: "team_lead", 2: "supervisor"}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def escalate_overdue(
    engine: AsyncEngine,
    conversations: Conversations | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Escalate what is overdue now; returns the escalations made by this call."""
    now = now or datetime.now(UTC)
    policy = await load_policy(engine)
    query = (
        select(Ticket)
        .where(
            Ticket.status.in_(CLOCK_STATES),
            Ticket.due_at < now,
            Ticket.escalation_level < 2,
        )
        .order_by(Ticket.due_at)
        .limit(200)
    )
    async with AsyncSession(engine) as session:
        candidates = [
            (
                t.id,
                t.version,
                t.escalation_level,
                _aware(t.due_at),
                t.skill_group,
                t.assignee,
                t.conversation_id,
            )
            for t in (await session.scalars(query)).all()
        ]
    made = []
    for ticket_id, version, level, due, group, assignee, conversation_id in candidates:
        target = level + 1
        if target == 2 and now < due + timedelta(seconds=policy.supervisor_after_s):
            continue
        escalation = {
            "ticket_id": ticket_id,
            "level": target,
            "to_role": LEVELS[target],
            "skill_group": group,
            "assignee": assignee,
            "due_at": due.isoformat(),
        }
        async with AsyncSession(engine) as session:
            result = await session.execute(
                update(Ticket)
                .where(
                    Ticket.id == ticket_id,
                    Ticket.version == version,
                    Ticket.escalation_level == level,
                )
                .values(escalation_level=target, version=version + 1, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) != 1:
                await session.rollback()
                continue  # another process escalated it, or someone just changed it
            session.add(
                TicketEntry(
                    ticket_id=ticket_id,
                    kind="escalation",
                    author="system",
                    text="",
                    visible=False,
                    data=escalation,
                )
            )
            await session.commit()
        if conversations is not None and conversation_id:
            await conversations.append(
                conversation_id, "ticket_escalated", {"internal": True, **escalation}
            )
        made.append(escalation)
    return made


async def recent_escalations(
    engine: AsyncEngine, groups: frozenset[str] | None, limit: int = 100
) -> list[dict[str, Any]]:
    """The latest ticket escalations, of ``groups`` (None: all)."""
    query = (
        select(TicketEntry, Ticket.skill_group)
        .join(Ticket, Ticket.id == TicketEntry.ticket_id)
        .where(TicketEntry.kind == "escalation")
        .order_by(TicketEntry.id.desc())
        .limit(limit)
    )
    if groups is not None:
        query = query.where(Ticket.skill_group.in_(sorted(groups)))
    async with AsyncSession(engine) as session:
        return [entry.public() for entry, _ in (await session.execute(query)).all()]


class TicketDuties:
    """What the staff console's worker runs for tickets on each tick."""

    def __init__(
        self, engine: AsyncEngine, conversations: Conversations | None, timezone: str
    ) -> None:
        self.engine = engine
        self.conversations = conversations
        self.timezone = timezone

    async def tick(self, now: datetime | None = None) -> dict[str, int]:
        escalated = await escalate_overdue(self.engine, self.conversations, now)
        closed = await close_silent(self.engine, self.timezone, now, self.conversations)
        return {"ticket_escalations": len(escalated), "tickets_auto_closed": closed}
