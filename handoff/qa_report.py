"""The weekly QA report (质检周报) of an ISO week in the shop's time zone: reviews and the average
score per agent and per group, pass rate, failures by rubric item, automatic-check hits,
appeals, and whether rectification was done on time. Definitions:

- a review belongs to the week it was scored in; its score is its total now (after an upheld
  appeal, the rescore);
- a rubric item "fails" in a review when its points are below the pass threshold's share of its
  maximum (80 % of the points with the threshold at 80); labels come from the review's own
  rubric version, so an item removed mid-week is still named;
- automatic-check hits count the conversations that ended in the week, once per check;
- appeals count those filed in the week, by their state now; rectification items those created
  in the week: done, done by the deadline, and overdue (still open after it).

A team lead's report covers their groups; QA inspectors and supervisors see every group."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.qa_models import QaItem, QaRectification, QaReview, QaRubric
from handoff.qa_rectify import aware
from handoff.reports import Period
from kefu.i18n import to_traditional


def _avg(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _rows(reviews: list[QaReview], key: str) -> list[dict[str, Any]]:
    by: dict[str, list[QaReview]] = defaultdict(list)
    for review in reviews:
        by[str(getattr(review, key))].append(review)
    return [
        {
            key: name,
            "reviews": len(group),
            "average": _avg([r.total for r in group]),
            "failed": sum(1 for r in group if not r.passed),
        }
        for name, group in sorted(by.items())
    ]


def _item_failures(
    reviews: list[QaReview], rubrics: dict[int, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    labels: dict[str, dict[str, Any]] = {}
    for review in reviews:
        share = review.threshold / 100.0
        for item in rubrics.get(review.rubric_version, []):
            key = str(item["key"])
            labels.setdefault(key, item)
            if float(review.points.get(key, 0)) < share * float(item["max_points"]):
                counts[key] += 1
    return [
        {
            "key": key,
            "zh": labels[key]["zh"],
            "zh-Hant": to_traditional(str(labels[key]["zh"])),
            "en": labels[key]["en"],
            "failures": counts[key],
        }
        for key in sorted(labels, key=lambda k: (-counts[k], k))
    ]


async def weekly(engine: AsyncEngine, who: Principal, week: Period) -> dict[str, Any]:
    groups = access.qa_groups(who)
    now = datetime.now(UTC)

    def scoped(query: Any, column: Any) -> Any:
        return query if groups is None else query.where(column.in_(groups))

    async with AsyncSession(engine) as session:
        reviews = list(
            (
                await session.scalars(
                    scoped(
                        select(QaReview).where(
                            QaReview.scored_at >= week.start, QaReview.scored_at < week.end
                        ),
                        QaReview.skill_group,
                    )
                )
            ).all()
        )
        versions = {r.rubric_version for r in reviews}
        rubrics = {
            row.version: list(row.items)
            for row in (
                await session.scalars(select(QaRubric).where(QaRubric.version.in_(versions)))
            ).all()
        }
        items = (
            await session.scalars(
                scoped(
                    select(QaItem).where(QaItem.ended_at >= week.start, QaItem.ended_at < week.end),
                    QaItem.skill_group,
                )
            )
        ).all()
        appealed = (
            await session.scalars(
                scoped(
                    select(QaReview).where(
                        QaReview.appealed_at >= week.start, QaReview.appealed_at < week.end
                    ),
                    QaReview.skill_group,
                )
            )
        ).all()
        rects = (
            await session.scalars(
                scoped(
                    select(QaRectification).where(
                        QaRectification.created_at >= week.start,
                        QaRectification.created_at < week.end,
                    ),
                    QaRectification.skill_group,
                )
            )
        ).all()
    hits: Counter[str] = Counter()
    for item in items:
        for check in {str(f.get("check")) for f in item.flags or []}:
            hits[check] += 1
    appeal_states = Counter(r.appeal_status for r in appealed)
    done = [r for r in rects if r.status == "done" and r.done_at is not None]
    on_time = sum(1 for r in done if r.done_at and aware(r.done_at) <= aware(r.due_at))
    totals = [r.total for r in reviews]
    return {
        "week": {"label": week.label, "start": week.start.isoformat(), "end": week.end.isoformat()},
        "empty": not reviews and not items,
        "reviews": len(reviews),
        "average": _avg(totals),
        "pass_rate": round(sum(1 for r in reviews if r.passed) / len(reviews), 4)
        if reviews
        else None,
        "agents": _rows(reviews, "agent"),
        "groups": _rows(reviews, "skill_group"),
        "item_failures": _item_failures(reviews, rubrics),
        "checks": {
            "conversations_in_queue": len(items),
            "sampled": sum(1 for i in items if i.sampled_on is not None),
            "flagged": sum(1 for i in items if i.flagged),
            "hits": dict(sorted(hits.items())),
        },
        "appeals": {
            "filed": len(appealed),
            "pending": appeal_states["pending"],
            "upheld": appeal_states["upheld"],
            "rejected": appeal_states["rejected"],
        },
        "rectification": {
            "created": len(rects),
            "done": len(done),
            "done_on_time": on_time,
            "on_time_rate": round(on_time / len(rects), 4) if rects else None,
            "overdue": sum(
                1 for r in rects if r.status in ("open", "acknowledged") and aware(r.due_at) < now
            ),
            "cancelled": sum(1 for r in rects if r.status == "cancelled"),
        },
    }
