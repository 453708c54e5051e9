"""回访: the follow-up call after a complaint or after-sales ticket is resolved. Resolving such a
ticket creates the task (due at the end of the next working day by default,
``followup_working_days``); the agent records the outcome — satisfied, not satisfied (the
ticket reopens) or not reached; the follow-up rate is the share of tasks in which the customer
was reached (the platform asks for ≥ 80 %)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.models import Ticket
from handoff.ticket_models import TicketFollowup
from handoff.ticket_policy import Policy
from handoff.workdays import DAY_S, Calendar
from kefu.errors import ApiError

FOLLOWUP_TYPES = ("complaint", "after_sales")
OUTCOMES = ("satisfied", "not_satisfied", "not_reached")
REACHED = ("satisfied", "not_satisfied")


def new_followup(
    ticket: Ticket, now: datetime, policy: Policy, calendar: Calendar
) -> TicketFollowup:
    """The follow-up task for a ticket being resolved (only complaint and after-sales)."""
    start = calendar.next_workday_start(now)
    days = max(policy.followup_working_days, 0.0)
    due = calendar.add_working_seconds(start, days * DAY_S) if days else start
    return TicketFollowup(
        ticket_id=ticket.id,
        skill_group=ticket.skill_group,
        assignee=ticket.assignee,
        due_at=due,
        created_at=now,
    )


async def record_outcome(
    engine: AsyncEngine, ticket_id: int, who: Principal, outcome: str, note: str
) -> dict[str, Any]:
    """Record the pending follow-up's outcome; 404 without one, 409 when already recorded."""
    if outcome not in OUTCOMES:
        raise ApiError(400, "invalid_outcome", f"outcome must be one of {', '.join(OUTCOMES)}")
    async with AsyncSession(engine, expire_on_commit=False) as session:
        ticket = await session.get(Ticket, ticket_id)
        if ticket is None:
            raise ApiError(404, "unknown_ticket", f"no ticket {ticket_id}")
        access.require_ticket(who, ticket.skill_group, ticket.assignee)
        task = await session.scalar(
            select(TicketFollowup)
            .where(TicketFollowup.ticket_id == ticket_id)
            .order_by(TicketFollowup.id.desc())
            .limit(1)
        )
        if task is None:
            raise ApiError(404, "no_followup", f"ticket {ticket_id} has no follow-up task")
        if task.outcome:
            raise ApiError(409, "followup_done", f"the follow-up of ticket {ticket_id} is recorded")
        task.outcome, task.note = outcome, note[:2000]
        task.done_by, task.done_at = who.username, datetime.now(UTC)
        await session.commit()
        return task.public()


async def followup_rate(
    engine: AsyncEngine, groups: frozenset[str] | None, days: int, now: datetime | None = None
) -> dict[str, Any]:
    """Follow-up figures of the tasks created in the last ``days`` days (of ``groups``)."""
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    query = (
        select(TicketFollowup.outcome, func.count())
        .where(TicketFollowup.created_at >= since)
        .group_by(TicketFollowup.outcome)
    )
    if groups is not None:
        query = query.where(TicketFollowup.skill_group.in_(sorted(groups)))
    async with AsyncSession(engine) as session:
        counts = {outcome or "pending": n for outcome, n in (await session.execute(query)).all()}
    total = sum(counts.values())
    reached = sum(counts.get(o, 0) for o in REACHED)
    return {
        "days": days,
        "tasks": total,
        "reached": reached,
        "satisfied": counts.get("satisfied", 0),
        "not_satisfied": counts.get("not_satisfied", 0),
        "not_reached": counts.get("not_reached", 0),
        "pending": counts.get("pending", 0),
        "followup_rate": round(reached / total, 4) if total else None,
        "satisfaction_rate": round(counts.get("satisfied", 0) / reached, 4) if reached else None,
    }
