"""The QA rubric (评分表): items with a weight and a maximum of points, versioned.

A review's total is Σ weight × points / max_points over the items, so with weights adding up to
100 it is a score out of 100. Every edit writes a new version; a review keeps the version it
was scored with, so changing the rubric mid-week never changes a score already given, and a
form opened before the change is refused (409 ``rubric_changed``) instead of being scored
against items it never showed."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.qa_models import QaRubric
from kefu.errors import ApiError
from kefu.i18n import to_traditional

KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# The seeded rubric: greeting, accuracy, attitude, forbidden phrases, resolution, speed.
DEFAULT_ITEMS: list[dict[str, Any]] = [
    {"key": "greeting", "zh": "问候", "en": "Greeting", "weight": 10, "max_points": 10},
    {"key": "accuracy", "zh": "准确", "en": "Accuracy", "weight": 25, "max_points": 10},
    {"key": "attitude", "zh": "态度", "en": "Attitude", "weight": 20, "max_points": 10},
    {"key": "forbidden", "zh": "禁语", "en": "Forbidden phrases", "weight": 15, "max_points": 10},
    {"key": "resolution", "zh": "解决", "en": "Resolution", "weight": 20, "max_points": 10},
    {"key": "speed", "zh": "时效", "en": "Speed", "weight": 10, "max_points": 10},
]


def public(version: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    """A rubric for the API: each item's label in zh, zh-Hant (OpenCC) and en."""
    return {
        "version": version,
        "items": [{**item, "zh-Hant": to_traditional(str(item["zh"]))} for item in items],
    }


async def current(engine: AsyncEngine) -> tuple[int, list[dict[str, Any]]]:
    """The rubric in force (the seeded one, written as version 1, when none exists yet)."""
    async with AsyncSession(engine) as session:
        newest = await session.scalar(select(QaRubric).order_by(QaRubric.version.desc()).limit(1))
        if newest is not None:
            return newest.version, list(newest.items)
        session.add(QaRubric(version=1, items=DEFAULT_ITEMS, created_by="system"))
        with contextlib.suppress(IntegrityError):  # another request seeded it a moment ago
            await session.commit()
    return await current(engine)


async def version_items(engine: AsyncEngine, version: int) -> list[dict[str, Any]]:
    async with AsyncSession(engine) as session:
        row = await session.get(QaRubric, version)
    if row is None:
        raise ApiError(404, "unknown_rubric", f"no rubric version {version}")
    return list(row.items)


def check_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clean items or a 400: distinct keys, labels, whole weights adding up to 100, a positive
    maximum of points."""
    if not 1 <= len(items) <= 30:
        raise ApiError(400, "invalid_rubric", "a rubric has 1 to 30 items")
    keys = [item["key"] for item in items]
    if len(set(keys)) != len(keys) or not all(KEY.match(k) for k in keys):
        raise ApiError(400, "invalid_rubric", "item keys must be distinct: a-z, 0-9, _")
    if sum(item["weight"] for item in items) != 100:
        raise ApiError(400, "invalid_rubric", "the items' weights must add up to 100")
    return [
        {
            "key": item["key"],
            "zh": item["zh"].strip(),
            "en": item["en"].strip(),
            "weight": item["weight"],
            "max_points": item["max_points"],
        }
        for item in items
    ]


async def save(engine: AsyncEngine, items: list[dict[str, Any]], who: str) -> dict[str, Any]:
    """A new rubric version (scores given before keep theirs)."""
    clean = check_items(items)
    await current(engine)  # version 1 exists before the first edit
    async with AsyncSession(engine) as session:
        newest = int(await session.scalar(select(func.max(QaRubric.version))) or 0)
        session.add(QaRubric(version=newest + 1, items=clean, created_by=who))
        try:
            await session.commit()
        except IntegrityError:
            raise ApiError(409, "rubric_changed", "someone changed the rubric just now") from None
    return public(newest + 1, clean)


def total(items: list[dict[str, Any]], points: dict[str, float], comments: dict[str, str]) -> float:
    """The weighted total out of 100, or a 400 naming the item that is missing, unknown or out
    of its range."""
    known = {str(item["key"]): item for item in items}
    for key in [*points, *comments]:
        if key not in known:
            raise ApiError(400, "unknown_item", f"the rubric has no item {key}", item=key)
    result = 0.0
    for key, item in known.items():
        if key not in points:
            raise ApiError(400, "missing_item", f"give points for {key}", item=key)
        high = float(item["max_points"])
        if not 0 <= points[key] <= high:
            raise ApiError(
                400, "points_out_of_range", f"{key}: points must be 0 to {high:g}", item=key
            )
        result += float(item["weight"]) * points[key] / high
    return round(result, 2)
