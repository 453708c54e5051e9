"""Daily QA sampling against real SQL (SQLite and PostgreSQL): 20 % of the day's closed agent
conversations plus every agent not yet sampled this week; exactly once with two workers at the
same moment; bot-only conversations never; the worker samples yesterday, and catches up the days
of the last week that no worker sampled."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import ConversationFact
from handoff.qa_models import QaItem, QaSampleRun
from handoff.qa_sampling import QaDuties, day_bounds, sample_day
from kefu.db import make_async_engine

TZ = "Asia/Shanghai"


async def seed(engine: Any, day: date, counts: dict[str, int], bot_only: int = 0) -> None:
    start, _ = day_bounds(day, TZ)
    async with AsyncSession(engine) as session:
        n = 0
        for agent, count in counts.items():
            for i in range(count):
                n += 1
                at = start + timedelta(minutes=10 * n)
                session.add(
                    ConversationFact(
                        conversation_id=f"{day}-{agent}-{i}",
                        started_at=at - timedelta(minutes=5),
                        ended_at=at,
                        bot_only=False,
                        agent=agent,
                        skill_group="aftersales",
                    )
                )
        for i in range(bot_only):
            session.add(
                ConversationFact(
                    conversation_id=f"{day}-bot-{i}",
                    started_at=start + timedelta(minutes=i),
                    ended_at=start + timedelta(minutes=i + 1),
                )
            )
        await session.commit()


async def sampled(engine: Any, day: date) -> list[QaItem]:
    async with AsyncSession(engine) as session:
        return list((await session.scalars(select(QaItem).where(QaItem.sampled_on == day))).all())


async def test_sampling_rate_coverage_and_exactly_once(async_engine: Any, database_url: str):
    tuesday, wednesday = date(2026, 11, 24), date(2026, 11, 25)
    await seed(async_engine, tuesday, {"li": 20, "wang": 1}, bot_only=30)
    other = make_async_engine(database_url)  # a second staff console, its own connections
    try:
        results = await asyncio.gather(
            sample_day(async_engine, tuesday, TZ), sample_day(other, tuesday, TZ)
        )
    finally:
        await other.dispose()
    done = [r for r in results if r is not None]
    assert len(done) == 1, results  # exactly one process sampled the day
    items = await sampled(async_engine, tuesday)
    assert len(items) == done[0]["sampled"] and done[0]["conversations"] == 21
    # 20 % of 21 rounded up is 5; wang (1 conversation) is covered even if not drawn
    assert len(items) in (5, 6) and {"li", "wang"} <= {i.agent for i in items}
    assert all("-bot-" not in i.conversation_id for i in items)
    assert await sample_day(async_engine, tuesday, TZ) is None  # again: nothing

    # Wednesday: both were sampled this week, so only the 20 % (of wang's 10) is drawn
    await seed(async_engine, wednesday, {"wang": 10, "zhao": 2})
    result = await sample_day(async_engine, wednesday, TZ)
    assert result is not None and result["conversations"] == 12
    items = await sampled(async_engine, wednesday)
    assert "zhao" in {i.agent for i in items}  # new this week: covered
    assert len(items) in (3, 4)


async def test_the_worker_samples_yesterday_once(async_engine: Any):
    now = datetime.now(UTC)
    yesterday = now.astimezone(ZoneInfo(TZ)).date() - timedelta(days=1)
    await seed(async_engine, yesterday, {"li": 10})
    duties = QaDuties(async_engine, TZ)
    assert await duties.tick(now) == 2
    assert await duties.tick(now) == 0
    async with AsyncSession(async_engine) as session:
        run = await session.get(QaSampleRun, yesterday)
    assert run is not None and run.conversations == 10 and run.sampled == 2


async def test_an_empty_day_is_recorded_and_samples_nothing(async_engine: Any):
    result = await sample_day(async_engine, date(2026, 11, 1), TZ)
    assert result == {"day": "2026-11-01", "conversations": 0, "sampled": 0}


async def test_the_worker_catches_up_the_missed_days_of_the_last_week(async_engine: Any):
    now = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # noon on Monday 30 November in Shanghai
    duties = QaDuties(async_engine, TZ)
    # The first run ever samples its yesterday (19 November) only, not the history before it.
    await seed(async_engine, date(2026, 11, 18), {"li": 5})
    assert await duties.tick(now - timedelta(days=10)) == 0
    # Then no staff console ran for ten days.
    for day, counts in [(21, {"li": 5}), (24, {"li": 10}), (27, {"wang": 5}), (29, {"zhao": 5})]:
        await seed(async_engine, date(2026, 11, day), counts)
    assert await duties.tick(now) == 2 + 1 + 1  # 24th (2 of 10), 27th, 29th (1 of 5 each)
    assert await duties.tick(now) == 0  # each day once
    assert {i.agent for i in await sampled(async_engine, date(2026, 11, 24))} == {"li"}
    assert len(await sampled(async_engine, date(2026, 11, 27))) == 1
    async with AsyncSession(async_engine) as session:
        runs = set((await session.scalars(select(QaSampleRun.day))).all())
        items = set((await session.scalars(select(QaItem.conversation_id))).all())
    # every day of the last week once; the 21st is older than that and the 18th before the start
    assert runs == {date(2026, 11, 19)} | {date(2026, 11, d) for d in range(23, 30)}
    assert not any(i.startswith(("2026-11-21", "2026-11-18")) for i in items)
