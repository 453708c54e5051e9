"""The QA queue: conversations sampled or flagged for inspection, with filters, and one item
with its transcript (from the SQL archive, stored masked) beside the rubric to score it with.
What ``who`` sees follows ``handoff.access`` (QA inspectors and supervisors every group, team
leads their groups, an agent only their own scored conversations)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access, qa_reviews, qa_rubric
from handoff.accounts import Principal
from handoff.models import ConversationArchive
from handoff.qa_models import QaItem, QaReview, iso
from kefu.errors import ApiError
from kefu.masking import mask_text

KINDS = ("all", "sampled", "flagged", "mine")
STATUSES = ("", "pending", "scored", "appealed")


def item_status(review: QaReview | None) -> str:
    if review is None:
        return "pending"
    return "appealed" if review.appeal_status == "pending" else "scored"


def public(item: QaItem, review: QaReview | None) -> dict[str, Any]:
    return {
        "id": item.id,
        "conversation_id": item.conversation_id,
        "agent": item.agent,
        "skill_group": item.skill_group,
        "ended_at": iso(item.ended_at),
        "sampled": item.sampled_on is not None,
        "sampled_on": item.sampled_on.isoformat() if item.sampled_on else None,
        "flagged": item.flagged,
        "flags": list(item.flags or []),
        "status": item_status(review),
        "total": review.total if review else None,
        "passed": review.passed if review else None,
        "reviewer": review.reviewer if review else None,
        "appeal": (review.appeal_status or "none") if review else None,
    }


async def list_items(
    engine: AsyncEngine,
    who: Principal,
    kind: str = "all",
    agent: str = "",
    group: str = "",
    status: str = "",
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    if kind not in KINDS:
        raise ApiError(400, "invalid_filter", f"filter must be one of {', '.join(KINDS)}")
    if status not in STATUSES:
        raise ApiError(400, "invalid_status", "status must be pending, scored or appealed")
    query = select(QaItem, QaReview).outerjoin(QaReview, QaReview.item_id == QaItem.id)
    groups = access.qa_groups(who)
    if groups is not None:
        query = query.where(QaItem.skill_group.in_(groups))
    if kind == "sampled":
        query = query.where(QaItem.sampled_on.is_not(None))
    elif kind == "flagged":
        query = query.where(QaItem.flagged.is_(True))
    elif kind == "mine":
        query = query.where(QaReview.reviewer == who.username)
    if agent:
        query = query.where(QaItem.agent == agent)
    if group:
        query = query.where(QaItem.skill_group == group)
    if status == "pending":
        query = query.where(QaReview.id.is_(None))
    elif status == "scored":
        query = query.where(QaReview.id.is_not(None), QaReview.appeal_status != "pending")
    elif status == "appealed":
        query = query.where(QaReview.appeal_status == "pending")
    query = query.order_by(QaItem.ended_at.desc(), QaItem.id.desc()).offset(offset).limit(limit)
    async with AsyncSession(engine) as session:
        rows = (await session.execute(query)).all()
    return [public(item, review) for item, review in rows]


async def my_scores(engine: AsyncEngine, who: Principal) -> dict[str, Any]:
    """The agent's own scored conversations, newest first, and their average."""
    query = (
        select(QaItem, QaReview)
        .join(QaReview, QaReview.item_id == QaItem.id)
        .where(QaReview.agent == who.username)
        .order_by(QaReview.scored_at.desc())
        .limit(200)
    )
    async with AsyncSession(engine) as session:
        rows = (await session.execute(query)).all()
    totals = [review.total for _, review in rows]
    return {
        "agent": who.username,
        "average": round(sum(totals) / len(totals), 2) if totals else None,
        "reviews": len(totals),
        "items": [
            {**public(item, review), "review": qa_reviews.public(review)} for item, review in rows
        ],
    }


async def detail(engine: AsyncEngine, who: Principal, item_id: int) -> dict[str, Any]:
    """One item: transcript (masked), its review, and the rubric to show (the review's version,
    else the one in force)."""
    async with AsyncSession(engine) as session:
        item = await qa_reviews.item_of(session, item_id)
        review = await qa_reviews.review_of(session, item_id)
        if item.agent == who.username and review is None:
            raise ApiError(403, "not_scored", "your conversation has not been scored yet")
        access.require_qa_read(who, item.skill_group, item.agent)
        archive = await session.scalar(
            select(ConversationArchive)
            .where(ConversationArchive.conversation_id == item.conversation_id)
            .order_by(ConversationArchive.closed_seq.desc())
            .limit(1)
        )
    if review is not None:
        rubric = qa_rubric.public(
            review.rubric_version, await qa_rubric.version_items(engine, review.rubric_version)
        )
    else:
        rubric = qa_rubric.public(*await qa_rubric.current(engine))
    transcript = [
        {
            "from": line.get("from"),
            "text": mask_text(str(line.get("text") or "")),
            "ts": line.get("ts"),
        }
        for line in (archive.transcript if archive is not None else [])
    ]
    return {
        "item": public(item, review),
        "review": qa_reviews.public(review) if review is not None else None,
        "rubric": rubric,
        "transcript": transcript,
        "archived": archive is not None,  # False: removed after the retention period
    }
