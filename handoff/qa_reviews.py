"""Scoring a QA item against the rubric, the agent's one appeal (申诉) and its decision.

A review stores its rubric version, points and comments per item, the total and the pass
threshold in force; a failed review creates a rectification item (``handoff.qa_rectify``).
An item is scored once; only an upheld appeal rescores it (against the review's own rubric
version), a rejected one makes the score final. Who may do what: ``handoff.access``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access, qa_rubric
from handoff.accounts import Principal
from handoff.qa_models import QaItem, QaRectification, QaReview, iso
from handoff.qa_rectify import due_after
from handoff.qa_settings import load_settings
from kefu.errors import ApiError


def public(review: QaReview) -> dict[str, Any]:
    return {
        "id": review.id,
        "item_id": review.item_id,
        "agent": review.agent,
        "skill_group": review.skill_group,
        "reviewer": review.reviewer,
        "rubric_version": review.rubric_version,
        "points": dict(review.points),
        "comments": dict(review.comments or {}),
        "comment": review.comment,
        "total": review.total,
        "threshold": review.threshold,
        "passed": review.passed,
        "first_total": review.first_total,
        "scored_at": iso(review.scored_at),
        "appeal": {
            "status": review.appeal_status or "none",
            "reason": review.appeal_reason,
            "appealed_at": iso(review.appealed_at),
            "decided_by": review.decided_by,
            "note": review.decision_note,
            "decided_at": iso(review.decided_at),
        },
    }


async def item_of(session: AsyncSession, item_id: int) -> QaItem:
    item = await session.get(QaItem, item_id)
    if item is None:
        raise ApiError(404, "unknown_qa_item", f"no QA item {item_id}")
    return item


async def review_of(session: AsyncSession, item_id: int) -> QaReview | None:
    return await session.scalar(select(QaReview).where(QaReview.item_id == item_id))


async def score(
    engine: AsyncEngine,
    who: Principal,
    item_id: int,
    rubric_version: int,
    points: dict[str, float],
    comments: dict[str, str],
    comment: str,
    tz: str,
) -> dict[str, Any]:
    """Score an item once. 409 ``already_scored`` (rescoring is an upheld appeal's), 409
    ``rubric_changed`` when the form showed another rubric version than the one in force."""
    version, items = await qa_rubric.current(engine)
    settings = await load_settings(engine)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        item = await item_of(session, item_id)
        access.require_review(who, item.skill_group)
        if item.agent == who.username:
            raise ApiError(403, "own_conversation", "nobody scores their own conversation")
        if await review_of(session, item_id) is not None:
            raise ApiError(409, "already_scored", "this conversation has been scored")
        if rubric_version != version:
            raise ApiError(
                409,
                "rubric_changed",
                f"the rubric changed (now version {version}); reload the form",
                current_version=version,
            )
        total = qa_rubric.total(items, points, comments)
        threshold = float(settings["pass_threshold"])
        review = QaReview(
            item_id=item.id,
            agent=item.agent,
            skill_group=item.skill_group,
            reviewer=who.username,
            rubric_version=version,
            points=points,
            comments=comments,
            comment=comment,
            total=total,
            threshold=threshold,
            passed=total >= threshold,
            first_total=total,
            scored_at=datetime.now(UTC),
        )
        session.add(review)
        try:
            await session.flush()
        except IntegrityError:
            raise ApiError(409, "already_scored", "this conversation has been scored") from None
        if not review.passed:
            await _rectify(engine, session, review, settings, tz)
        await session.commit()
    return public(review)


async def _rectify(
    engine: AsyncEngine,
    session: AsyncSession,
    review: QaReview,
    settings: dict[str, Any],
    tz: str,
) -> None:
    now = datetime.now(UTC)
    session.add(
        QaRectification(
            review_id=review.id,
            agent=review.agent,
            skill_group=review.skill_group,
            status="open",
            due_at=await due_after(engine, now, float(settings["rectify_working_days"]), tz),
            created_at=now,
        )
    )


async def appeal(engine: AsyncEngine, who: Principal, item_id: int, reason: str) -> dict[str, Any]:
    """The agent appeals their score, once."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        await item_of(session, item_id)
        review = await review_of(session, item_id)
        if review is None:
            raise ApiError(409, "not_scored", "this conversation has not been scored yet")
        if review.agent != who.username:
            raise ApiError(403, "not_yours", "only the agent it is about appeals a score")
        changed: Any = await session.execute(
            update(QaReview)
            .where(QaReview.id == review.id, QaReview.appeal_status == "")
            .values(appeal_status="pending", appeal_reason=reason, appealed_at=datetime.now(UTC))
        )
        if not changed.rowcount:
            raise ApiError(409, "already_appealed", "a score can be appealed once")
        await session.commit()
        await session.refresh(review)
    return public(review)


async def decide(
    engine: AsyncEngine,
    who: Principal,
    item_id: int,
    upheld: bool,
    note: str,
    points: dict[str, float] | None,
    comments: dict[str, str],
    tz: str,
) -> dict[str, Any]:
    """A lead or supervisor decides a pending appeal: upheld → rescored with ``points`` (against
    the review's rubric version; a pass cancels the rectification), rejected → final."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        item = await item_of(session, item_id)
        access.require_appeal_decider(who, item.skill_group)
        review = await review_of(session, item_id)
        if review is None or review.appeal_status != "pending":
            raise ApiError(409, "no_pending_appeal", "there is no pending appeal on this score")
        values: dict[str, Any] = {
            "appeal_status": "upheld" if upheld else "rejected",
            "decided_by": who.username,
            "decision_note": note,
            "decided_at": datetime.now(UTC),
        }
        if upheld:
            if points is None:
                raise ApiError(400, "missing_points", "an upheld appeal is rescored: give points")
            items = await qa_rubric.version_items(engine, review.rubric_version)
            total = qa_rubric.total(items, points, comments)
            values.update(
                points=points,
                comments=comments or review.comments,
                total=total,
                passed=total >= review.threshold,
            )
        changed: Any = await session.execute(
            update(QaReview)
            .where(QaReview.id == review.id, QaReview.appeal_status == "pending")
            .values(**values)
        )
        if not changed.rowcount:
            raise ApiError(409, "no_pending_appeal", "someone decided this appeal just now")
        await session.refresh(review)
        await _follow_rescore(engine, session, review, tz)
        await session.commit()
    return public(review)


async def _follow_rescore(
    engine: AsyncEngine, session: AsyncSession, review: QaReview, tz: str
) -> None:
    """After a rescore: a pass cancels an open rectification item; a fail without one gets one."""
    rect = await session.scalar(
        select(QaRectification).where(QaRectification.review_id == review.id)
    )
    if review.passed and rect is not None and rect.status != "done":
        rect.status = "cancelled"
    elif not review.passed and rect is None:
        await _rectify(engine, session, review, await load_settings(engine), tz)
