"""Daily QA sampling (抽检): of the agent conversations that ended on a day (in the shop's time
zone), a share (setting ``sample_rate``, default 20 %, rounded up) goes into the QA queue, plus
one conversation of every agent who worked that day and has had none sampled yet this ISO week,
so every agent is inspected at least once a week.

Exactly once per day however many staff consoles run: the run's row (``qa_sample_runs``, the
day as primary key) is written in the same transaction as the sampled items, so a second
process fails on the key and writes nothing. The choice is random but seeded by the day, so a
retry picks the same conversations. A day missed while no staff console ran is sampled when one
runs again, oldest first, if it is within the last ``CATCH_UP_DAYS``."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.models import ConversationFact
from handoff.qa_models import QaItem, QaSampleRun
from handoff.qa_settings import load_settings

F = ConversationFact
# Days a staff console samples when it starts again after a stop: the missed ones of the last week.
CATCH_UP_DAYS = 7


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def choose(rows: list[tuple[str, str]], rate: float, covered: set[str], seed: int) -> list[str]:
    """The conversation ids to sample from ``rows`` (id, agent), in id order: ``rate`` of them
    at random, plus one of every agent not in ``covered`` and not chosen yet."""
    rng = random.Random(seed)  # noqa: S311 - a fair sample, not a secret
    ids = sorted(conv for conv, _ in rows)
    chosen = set(rng.sample(ids, min(len(ids), math.ceil(rate * len(ids)))))
    by_agent: dict[str, list[str]] = {}
    for conv, agent in sorted(rows):
        by_agent.setdefault(agent, []).append(conv)
    for agent, convs in sorted(by_agent.items()):
        if agent not in covered and not chosen.intersection(convs):
            chosen.add(rng.choice(convs))
    return sorted(chosen)


async def sample_day(engine: AsyncEngine, day: date, tz: str) -> dict[str, Any] | None:
    """Sample ``day``'s closed agent conversations into the QA queue. → the run's counts, or
    None when the day was sampled already (by this or another process)."""
    rate = float((await load_settings(engine))["sample_rate"])
    start, end = day_bounds(day, tz)
    week_start = day - timedelta(days=day.isoweekday() - 1)
    try:
        async with AsyncSession(engine) as session:
            if await session.get(QaSampleRun, day) is not None:
                return None
            rows = (
                await session.execute(
                    select(F.conversation_id, F.agent, F.skill_group, F.ended_at).where(
                        F.ended_at >= start,
                        F.ended_at < end,
                        F.bot_only.is_(False),
                        F.agent.is_not(None),
                    )
                )
            ).all()
            covered = set(
                (
                    await session.scalars(
                        select(QaItem.agent)
                        .where(QaItem.sampled_on >= week_start, QaItem.sampled_on < day)
                        .distinct()
                    )
                ).all()
            )
            chosen = choose([(r[0], r[1] or "") for r in rows], rate, covered, day.toordinal())
            session.add(QaSampleRun(day=day, conversations=len(rows), sampled=len(chosen)))
            await session.flush()  # claim the day first: a second process stops here
            facts = {r[0]: r for r in rows}
            existing = {
                item.conversation_id: item
                for item in (
                    await session.scalars(select(QaItem).where(QaItem.conversation_id.in_(chosen)))
                ).all()
            }
            for conv in chosen:
                item = existing.get(conv)
                if item is None:
                    _, agent, group, ended = facts[conv]
                    item = QaItem(
                        conversation_id=conv,
                        agent=agent,
                        skill_group=group or "",
                        ended_at=ended,
                        flags=[],
                        flagged=False,
                    )
                    session.add(item)
                item.sampled_on = day
            await session.commit()
    except (IntegrityError, OperationalError):
        return None  # another process sampled the day (or holds it): its row is the truth
    return {"day": day.isoformat(), "conversations": len(rows), "sampled": len(chosen)}


async def days_to_sample(engine: AsyncEngine, yesterday: date) -> list[date]:
    """The days not sampled yet, oldest first: of the ``CATCH_UP_DAYS`` up to ``yesterday``,
    those with no run, none before the first run ever (a new installation starts with its
    yesterday, not with a week of history)."""
    first = yesterday - timedelta(days=CATCH_UP_DAYS - 1)
    async with AsyncSession(engine) as session:
        earliest = await session.scalar(select(func.min(QaSampleRun.day)))
        done = set(
            (await session.scalars(select(QaSampleRun.day).where(QaSampleRun.day >= first))).all()
        )
    if earliest is None:
        return [yesterday]
    first = max(first, earliest)
    days = (first + timedelta(days=n) for n in range((yesterday - first).days + 1))
    return [day for day in days if day not in done]


class QaDuties:
    """The staff console's QA duty: sample yesterday (local) once it is over, and the days
    missed while no staff console ran (``days_to_sample``: at most the last week)."""

    def __init__(self, engine: AsyncEngine, timezone: str) -> None:
        self.engine = engine
        self.timezone = timezone

    async def tick(self, now: datetime | None = None) -> int:
        """→ how many conversations this process sampled (0 when done already)."""
        today = (now or datetime.now(UTC)).astimezone(ZoneInfo(self.timezone)).date()
        sampled = 0
        for day in await days_to_sample(self.engine, today - timedelta(days=1)):
            result = await sample_day(self.engine, day, self.timezone)
            sampled += int(result["sampled"]) if result else 0
        return sampled
