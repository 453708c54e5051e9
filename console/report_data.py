"""The service report as the console and ``kefu report`` build it: the SQL figures
(``handoff.reports``) plus the top unanswered-question clusters of each period from the
knowledge base's list in Redis (``knowledge_base.unanswered_report``, lexical: no encoder here).
An unreadable Redis leaves that figure "unavailable" and the rest of the report intact."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.reports import Period, report
from kefu.logging import get_logger
from knowledge_base.unanswered_report import UNAVAILABLE, unanswered_clusters

log = get_logger(__name__)


async def build_report(
    engine: AsyncEngine,
    redis: Any,
    period: Period,
    tz: str,
    sla_targets: dict[str, float],
    groups: tuple[str, ...] = (),
) -> dict[str, Any]:
    async def extra(start: datetime, end: datetime) -> dict[str, Any]:
        try:
            return {"unanswered": await unanswered_clusters(redis, start, end)}
        except (RedisError, OSError) as exc:
            log.warning("report: unanswered questions unreadable", error=repr(exc))
            return {"unanswered": dict(UNAVAILABLE)}

    return await report(engine, period, tz, sla_targets, extra, groups)
