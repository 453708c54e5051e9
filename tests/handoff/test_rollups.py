"""The report's daily roll-ups on real SQLite and PostgreSQL: two workers roll each finished
day up exactly once (never today), a late write to a past day (a rating, a "solved" answer, a
conversation that ended again, a customer who came back, an erased customer) makes that day
read from the facts until it is rolled up again, and the figures equal those from the facts
alone throughout."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.history import seed_history
from handoff.facts import rate, set_resolution, write_fact
from handoff.models import ConversationFact
from handoff.recontact import remark_all_sql
from handoff.report_models import ReportDay
from handoff.reports import figures, period_of
from handoff.retention import purge_expired
from handoff.rollups import Rollups

TZ = "Asia/Shanghai"
SLA = {"presale": 30.0}
MONTH = period_of("month", date(2026, 3, 1), TZ)
NOW = datetime(2026, 3, 20, 4, 0, tzinfo=UTC)  # 12:00 on 20 March in Shanghai


def fact(n: int, ended: datetime, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "conversation_id": f"u-{n}",
        "customer_id": f"c{n % 7}",
        "channel": "web",
        "started_at": ended - timedelta(minutes=30),
        "ended_at": ended,
        "intents": ["track_shipment"],
        "topic": "track_shipment",
        "bot_only": n % 2 == 0,
        "skill_group": None if n % 2 == 0 else "presale",
        "agent": None if n % 2 == 0 else "li",
        "first_response_s": None if n % 2 == 0 else float(n % 50),
        "resolution": "unknown",
    }
    values.update(fields)
    return values


async def seed(engine: Any) -> None:
    # ten a day from 1 to 20 March, at every hour of the local day (23:30 local is the day's)
    rows = [
        fact(day * 10 + k, MONTH.start + timedelta(days=day, hours=2 * k + 3.5))
        for day in range(20)
        for k in range(10)
    ]
    async with AsyncSession(engine) as session:
        await session.execute(insert(ConversationFact), rows)
        await session.execute(remark_all_sql(engine.dialect.name))  # as the writer leaves them
        await session.commit()


async def days_of(engine: Any) -> dict[date, ReportDay]:
    async with AsyncSession(engine) as session:
        rows = (await session.scalars(select(ReportDay).where(ReportDay.tz == TZ))).all()
    return {d.day: d for d in rows}


async def stale_days(engine: Any) -> set[date]:
    days = await days_of(engine)
    return {d.day for d in days.values() if d.changes != d.rolled_changes and d.rolls}


async def same_as_raw(engine: Any) -> None:
    raw = await figures(engine, MONTH, TZ, SLA, now=NOW, use_rollups=False)
    assert raw["conversations"] > 0
    assert await figures(engine, MONTH, TZ, SLA, now=NOW) == raw


async def test_two_workers_roll_each_finished_day_up_once_and_never_today(
    async_engine: Any,
) -> None:
    await seed(async_engine)
    one, two = Rollups(async_engine, TZ), Rollups(async_engine, TZ)
    for _ in range(4):  # a week a round: 19 finished days take three rounds
        await asyncio.gather(one.tick(NOW), two.tick(NOW))
    days = await days_of(async_engine)
    finished = [d for d in days.values() if d.day < date(2026, 3, 20)]
    assert len(finished) == 19
    assert all(d.rolls == 1 and d.rolled_changes == d.changes for d in finished)
    assert days[date(2026, 3, 20)].rolls == 0  # today: read from the facts
    assert days[date(2026, 3, 21)].rolls == 0  # tomorrow's row exists ahead of time
    await same_as_raw(async_engine)


async def test_a_late_write_to_a_past_day_rolls_that_day_up_again(async_engine: Any) -> None:
    await seed(async_engine)
    rollups = Rollups(async_engine, TZ)
    while await rollups.tick(NOW):
        pass
    # 5 March: a rating arrives days later; 6 March: a "solved"
    assert await rate(async_engine, "u-41", 5, "")
    assert await stale_days(async_engine) == {date(2026, 3, 5)}
    await set_resolution(async_engine, "u-53", "solved")
    assert await stale_days(async_engine) == {date(2026, 3, 5), date(2026, 3, 6)}
    # 7 March: a conversation ends again, on 9 March (both days change)
    async with AsyncSession(async_engine) as session:
        again = await session.get(ConversationFact, "u-61")
        assert again is not None
        session.expunge(again)
    again.ended_at = datetime(2026, 3, 9, 6, tzinfo=UTC)
    await write_fact(async_engine, again)
    stale = await stale_days(async_engine)
    assert stale == {date(2026, 3, d) for d in (5, 6, 7, 9)}
    await same_as_raw(async_engine)  # the stale days are read from the facts meanwhile
    assert await rollups.tick(NOW) == 4
    days = await days_of(async_engine)
    assert {d.day for d in days.values() if d.rolls == 2} == stale
    await same_as_raw(async_engine)


async def test_a_customer_who_comes_back_changes_first_contact_resolution_of_the_first_day(
    async_engine: Any,
) -> None:
    await seed(async_engine)
    rollups = Rollups(async_engine, TZ)
    while await rollups.tick(NOW):
        pass
    before = await figures(async_engine, MONTH, TZ, SLA, now=NOW)
    # u-100 (11 March, customer c2, solved) — the customer writes again two days later
    await set_resolution(async_engine, "u-100", "solved")
    back = ConversationFact(**fact(900, datetime(2026, 3, 13, 2, tzinfo=UTC), customer_id="c2"))
    await write_fact(async_engine, back)
    async with AsyncSession(async_engine) as session:
        first = await session.get(ConversationFact, "u-100")
        assert first is not None and first.recontacted
    assert await rollups.tick(NOW) >= 2  # 11 March (the mark) and 13 March (the new one)
    after = await figures(async_engine, MONTH, TZ, SLA, now=NOW)
    assert after["first_contact_resolution_rate"] < before["first_contact_resolution_rate"]
    await same_as_raw(async_engine)


async def test_retention_blanking_old_customers_rolls_their_days_up_again(
    async_engine: Any,
) -> None:
    await seed(async_engine)
    rollups = Rollups(async_engine, TZ)
    while await rollups.tick(NOW):
        pass
    before = await figures(async_engine, MONTH, TZ, SLA, now=NOW)
    # facts that ended before 10 March lose their customer: out of first-contact resolution
    purged = await purge_expired(async_engine, 10, now=datetime(2026, 3, 20, tzinfo=UTC))
    assert purged.facts > 0
    stale = await stale_days(async_engine)
    assert date(2026, 3, 1) in stale and date(2026, 3, 9) in stale
    assert date(2026, 3, 11) not in stale
    await same_as_raw(async_engine)
    while await rollups.tick(NOW):
        pass
    assert not await stale_days(async_engine)
    after = await figures(async_engine, MONTH, TZ, SLA, now=NOW)
    assert after["first_contact_resolution_rate"] != before["first_contact_resolution_rate"]
    await same_as_raw(async_engine)


async def test_the_staff_consoles_worker_rolls_finished_days_up_in_the_shops_zone(
    console: Any, database_url: str
) -> None:
    # yesterday and the day before in the console's zone; today stays with the facts
    seed_history(database_url, days=2, per_day=40, tz=console.ctx.worker.settings.timezone)
    rolling = asyncio.create_task(console.ctx.worker.roll_up())
    try:
        for _ in range(300):  # bounded wait on a loaded machine, not a timing assertion
            async with AsyncSession(console.ctx.engine) as session:
                days = (await session.scalars(select(ReportDay))).all()
            done = [d for d in days if d.rolls]
            if len(done) >= 2:
                break
            await asyncio.sleep(0.1)
    finally:
        rolling.cancel()
    assert {d.tz for d in days} == {console.ctx.worker.settings.timezone}
    today = datetime.now(ZoneInfo(console.ctx.worker.settings.timezone)).date()
    assert len(done) >= 2 and all(d.day < today for d in done)
