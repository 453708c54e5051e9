"""Daily roll-ups of the report's partial figures (``handoff.report_models``), per local day of
``KEFU_TIMEZONE``, filled by the staff console's worker for finished days.

- Every local day from the first fact's to tomorrow has a ``report_days`` row, made ahead of
  time, so that every writer of a fact finds the row of the fact's day and adds one to its
  ``changes`` in the same transaction (``touch``): a late rating, a late "solved" answer, a
  conversation that ended again, a recontact mark or an erased customer.
- A finished day whose ``changes`` differ from ``rolled_changes`` is rolled up: one
  transaction claims it (``UPDATE … WHERE rolled_changes = <what was read>``: of two workers
  only one matches; the other's update waits for the first one's commit and then matches no
  row), replaces the day's roll-up rows with the partials computed from its facts, and commits.
  A writer that changes a fact meanwhile waits on the day's row and leaves ``changes`` ahead, so
  the day is rolled again on the next round.
- A report uses the roll-up of a day only while it is current (finished, ``changes`` =
  ``rolled_changes``); every other day of the period is read from the facts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from handoff.models import ConversationFact
from handoff.report_models import ReportDay, ReportDayCube, ReportDayItem
from handoff.report_sql import CUBE_KEYS, Partials, cube_key, partials
from kefu.logging import get_logger

log = get_logger(__name__)
D, CUBE, ITEM = ReportDay, ReportDayCube, ReportDayItem
MAX_DAYS_PER_ROUND = 7  # a backlog (first start on a long history) is worked off a week a round


def day_span(day: date, tz: str) -> tuple[datetime, datetime]:
    from handoff.reports import period_of

    period = period_of("day", day, tz)
    return period.start, period.end


async def touch(session: AsyncSession | AsyncConnection, times: Iterable[datetime | None]) -> None:
    """A fact that ended at each of ``times`` changed: its day's roll-ups (every zone's) are
    stale. Call it in the transaction that changes the fact. Days are touched in time order,
    so two writers lock day rows in the same order (no deadlock)."""
    for at in sorted({_aware(t) for t in times if t is not None}):
        await session.execute(
            update(D).where(D.starts_at <= at, D.ends_at > at).values(changes=D.changes + 1)
        )


class Rollups:
    """The worker's duty: keep the roll-ups of finished days current."""

    def __init__(self, engine: AsyncEngine, tz: str) -> None:
        self.engine = engine
        self.tz = tz

    async def tick(self, now: datetime | None = None) -> int:
        """Roll up stale finished days (at most MAX_DAYS_PER_ROUND); → how many this worker
        rolled up."""
        now = now or datetime.now(UTC)
        await self.ensure_days(now)
        async with self.engine.connect() as conn:
            stale = (
                await conn.execute(
                    select(D.day, D.rolled_changes)
                    .where(D.tz == self.tz, D.ends_at <= now, D.changes != D.rolled_changes)
                    .order_by(D.day.desc())
                    .limit(MAX_DAYS_PER_ROUND)
                )
            ).all()
        rolled = 0
        for day, seen in stale:
            rolled += await self.roll_day(day, seen)
        return rolled

    async def ensure_days(self, now: datetime) -> None:
        """A row for every local day from the first fact's to tomorrow."""
        from handoff.reports import local_date

        async with self.engine.connect() as conn:
            first_end = (await conn.execute(select(func.min(ConversationFact.ended_at)))).scalar()
            have = set((await conn.execute(select(D.day).where(D.tz == self.tz))).scalars().all())
        tomorrow = local_date(now, self.tz) + timedelta(days=1)
        day = local_date(first_end, self.tz) if first_end is not None else tomorrow
        missing = []
        while day <= tomorrow:
            if day not in have:
                missing.append(day)
            day += timedelta(days=1)
        for day in missing:
            starts, ends = day_span(day, self.tz)
            try:
                async with self.engine.begin() as conn:
                    await conn.execute(
                        insert(D).values(
                            tz=self.tz,
                            day=day,
                            starts_at=starts,
                            ends_at=ends,
                            changes=0,
                            rolled_changes=-1,
                            rolls=0,
                        )
                    )
            except IntegrityError:  # another worker made it meanwhile
                continue

    async def roll_day(self, day: date, seen: int) -> int:
        """Claim and roll up one day; → 1 if this worker did it, 0 if another one had."""
        starts, ends = day_span(day, self.tz)
        postgres = self.engine.dialect.name == "postgresql"
        async with self.engine.begin() as conn:
            changes = (
                await conn.execute(
                    update(D)
                    .where(D.tz == self.tz, D.day == day, D.rolled_changes == seen)
                    .values(
                        rolled_changes=D.changes, rolls=D.rolls + 1, rolled_at=datetime.now(UTC)
                    )
                    .returning(D.changes)
                )
            ).scalar()
            if changes is None:
                return 0
            where = and_(ConversationFact.ended_at >= starts, ConversationFact.ended_at < ends)
            part = await partials(conn, where, self.tz, postgres)
            await conn.execute(delete(CUBE).where(CUBE.tz == self.tz, CUBE.day == day))
            await conn.execute(delete(ITEM).where(ITEM.tz == self.tz, ITEM.day == day))
            cube = [
                {"tz": self.tz, "day": day, **dict(zip(CUBE_KEYS, key, strict=True)), "n": n}
                for key, n in part.cube.items()
            ]
            items = [
                *(_item(self.tz, day, "hour", "", h, n) for h, n in part.hours.items()),
                *(_item(self.tz, day, "intent", k, 0, n) for k, n in part.intents.items()),
                *(_item(self.tz, day, "faq", k, 0, n) for k, n in part.faqs.items()),
                *(
                    _item(self.tz, day, "first_response", g, b, n)
                    for (g, b), n in part.first_response.items()
                ),
            ]
            if cube:
                await conn.execute(insert(CUBE), cube)
            if items:
                await conn.execute(insert(ITEM), items)
        log.info("report day rolled up", day=day.isoformat(), tz=self.tz, rows=len(cube))
        return 1


def _item(tz: str, day: date, kind: str, name: str, bucket: int, n: int) -> dict[str, Any]:
    return {"tz": tz, "day": day, "kind": kind, "name": name, "bucket": bucket, "n": n}


async def current_days(
    conn: AsyncConnection, tz: str, start: datetime, end: datetime, now: datetime
) -> list[tuple[date, datetime, datetime]]:
    """The days of [start, end) whose roll-up is current, in order."""
    rows = await conn.execute(
        select(D.day, D.starts_at, D.ends_at)
        .where(
            D.tz == tz,
            D.starts_at >= start,
            D.ends_at <= end,
            D.ends_at <= now,
            D.changes == D.rolled_changes,
        )
        .order_by(D.day)
    )
    return [(day, _aware(s), _aware(e)) for day, s, e in rows]


async def rolled(conn: AsyncConnection, tz: str, days: list[date]) -> Partials:
    """The sum of the roll-ups of ``days``."""
    out = Partials()
    if not days:
        return out
    cols = [getattr(CUBE, k) for k in CUBE_KEYS]
    for *key, n in await conn.execute(
        select(*cols, func.sum(CUBE.n)).where(CUBE.tz == tz, CUBE.day.in_(days)).group_by(*cols)
    ):
        out.cube[cube_key(key)] += int(n)
    for kind, name, bucket, n in await conn.execute(
        select(ITEM.kind, ITEM.name, ITEM.bucket, func.sum(ITEM.n))
        .where(ITEM.tz == tz, ITEM.day.in_(days))
        .group_by(ITEM.kind, ITEM.name, ITEM.bucket)
    ):
        if kind == "hour":
            out.hours[int(bucket)] += int(n)
        elif kind == "intent":
            out.intents[name] += int(n)
        elif kind == "faq":
            out.faqs[name] += int(n)
        else:
            out.first_response[(name, int(bucket))] += int(n)
    return out


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
