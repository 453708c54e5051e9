"""Rectification items (整改): every failed review creates one for its agent, due after the
setting ``rectify_working_days`` (default 3) working days (``handoff.workdays``: holidays and
调休 count). The agent acknowledges it, then marks it done; one still open after its deadline is
overdue, and the group's team lead sees it in their list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.qa_models import QaItem, QaRectification, QaReview, iso
from handoff.workdays import Calendar
from kefu.errors import ApiError

R = QaRectification
OPEN = ("open", "acknowledged")


async def due_after(engine: AsyncEngine, start: datetime, days: float, tz: str) -> datetime:
    return (await Calendar.load(engine, tz)).add_working_days(start, days)


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def public(row: QaRectification, item: QaItem, now: datetime) -> dict[str, Any]:
    due = aware(row.due_at)
    done = aware(row.done_at) if row.done_at else None
    return {
        "id": row.id,
        "review_id": row.review_id,
        "item_id": item.id,
        "conversation_id": item.conversation_id,
        "agent": row.agent,
        "skill_group": row.skill_group,
        "status": row.status,
        "due_at": iso(row.due_at),
        "created_at": iso(row.created_at),
        "acknowledged_at": iso(row.acknowledged_at),
        "done_at": iso(row.done_at),
        "note": row.note,
        "overdue": row.status in OPEN and due < now,
        "on_time": done <= due if done is not None and row.status == "done" else None,
    }


async def list_for(
    engine: AsyncEngine, who: Principal, *, mine: bool = False, overdue: bool = False
) -> list[dict[str, Any]]:
    """The agent's own items; a lead's groups' (or everyone's for QA and supervisors)."""
    now = datetime.now(UTC)
    query = select(R, QaItem).join(QaReview, QaReview.id == R.review_id)
    query = query.join(QaItem, QaItem.id == QaReview.item_id).order_by(R.due_at)
    groups = access.qa_groups(who)
    if mine or (groups is not None and not groups):
        query = query.where(R.agent == who.username)
    elif groups is not None:
        query = query.where(R.skill_group.in_(groups))
    if overdue:
        query = query.where(R.status.in_(OPEN), R.due_at < now)
    async with AsyncSession(engine) as session:
        rows = (await session.execute(query.limit(500))).all()
    return [public(row, item, now) for row, item in rows]


async def advance(
    engine: AsyncEngine, who: Principal, rect_id: int, to: str, note: str = ""
) -> dict[str, Any]:
    """The agent acknowledges (open → acknowledged) or finishes (open | acknowledged → done)."""
    allowed_from = ("open",) if to == "acknowledged" else OPEN
    now = datetime.now(UTC)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        row = await session.get(R, rect_id)
        if row is None:
            raise ApiError(404, "unknown_rectification", f"no rectification item {rect_id}")
        if row.agent != who.username:
            raise ApiError(403, "not_yours", "only the agent it is for acknowledges it")
        values: dict[str, Any] = {"status": to}
        values["acknowledged_at" if to == "acknowledged" else "done_at"] = now
        if to == "done":
            values["note"] = note
        changed: Any = await session.execute(
            update(R).where(R.id == rect_id, R.status.in_(allowed_from)).values(**values)
        )
        if not changed.rowcount:
            raise ApiError(409, "invalid_state", f"this item is {row.status}", state=row.status)
        await session.commit()
        await session.refresh(row)
        review = await session.get(QaReview, row.review_id)
        item = await session.get(QaItem, review.item_id if review else 0)
    assert item is not None
    return public(row, item, now)
