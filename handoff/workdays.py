"""Working days: China's holidays and make-up workdays (调休), and the working-day clock.

The shipped calendar (``handoff/data/cn_calendar.yml``) is overlaid by what an admin entered
(``calendar_days`` in SQL); other days follow the week. A ticket's clock runs only on working
days, whole days in the shop's time zone: "1 working day" from Saturday 03:00 ends when Monday
ends, from Wednesday 10:00 on Thursday 10:00."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.ticket_models import CalendarDay
from kefu.errors import ApiError

DAY_S = 86400.0
_HORIZON_DAYS = 800  # no clock runs longer; a calendar without working days stops here


def shipped_days() -> dict[date, tuple[bool, str]]:
    """The shipped holidays and make-up workdays: day → (is a workday, name)."""
    text = resources.files("handoff").joinpath("data/cn_calendar.yml").read_text("utf-8")
    raw: dict[str, dict[Any, str]] = yaml.safe_load(text)
    days: dict[date, tuple[bool, str]] = {}
    for key, workday in (("holidays", False), ("workdays", True)):
        for day, name in (raw.get(key) or {}).items():
            days[day if isinstance(day, date) else date.fromisoformat(str(day))] = (
                workday,
                str(name),
            )
    return days


class Calendar:
    """Which days are working days, in one time zone."""

    def __init__(self, days: dict[date, tuple[bool, str]], timezone: str) -> None:
        self.days = days
        self.tz = ZoneInfo(timezone)

    @classmethod
    async def load(cls, engine: AsyncEngine, timezone: str) -> Calendar:
        days = shipped_days()
        async with AsyncSession(engine) as session:
            for row in (await session.scalars(select(CalendarDay))).all():
                days[row.day] = (row.workday, row.name)
        return cls(days, timezone)

    def is_workday(self, day: date) -> bool:
        known = self.days.get(day)
        return known[0] if known is not None else day.weekday() < 5

    def _start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.tz)

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """The moment ``seconds`` of working-day time after ``start``."""
        cursor = start.astimezone(self.tz)
        left = max(0.0, seconds)
        for _ in range(_HORIZON_DAYS):
            day = cursor.date()
            day_end = self._start(day + timedelta(days=1))
            if self.is_workday(day):
                available = (day_end - cursor).total_seconds()
                if left <= available:
                    return (cursor + timedelta(seconds=left)).astimezone(UTC)
                left -= available
            cursor = day_end
        return cursor.astimezone(UTC)

    def add_working_days(self, start: datetime, days: float) -> datetime:
        return self.add_working_seconds(start, days * DAY_S)

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Working-day time from ``start`` to ``end`` (0 when ``end`` is not later)."""
        cursor = start.astimezone(self.tz)
        end = end.astimezone(self.tz)
        total = 0.0
        for _ in range(_HORIZON_DAYS):
            if cursor >= end:
                break
            day_end = self._start(cursor.date() + timedelta(days=1))
            stop = min(day_end, end)
            if self.is_workday(cursor.date()):
                total += (stop - cursor).total_seconds()
            cursor = stop
        return total

    def next_workday_start(self, after: datetime) -> datetime:
        """The start of the first working day after ``after``'s day (a follow-up's date)."""
        day = after.astimezone(self.tz).date() + timedelta(days=1)
        for _ in range(_HORIZON_DAYS):
            if self.is_workday(day):
                break
            day += timedelta(days=1)
        return self._start(day).astimezone(UTC)


async def set_day(
    engine: AsyncEngine, day: date, workday: bool, name: str, who: str
) -> dict[str, Any]:
    """An admin declares a holiday or a make-up workday (replacing any earlier word on it)."""
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise ApiError(400, "invalid_day", "day must be between 2000 and 2100")
    async with AsyncSession(engine) as session:
        row = await session.get(CalendarDay, day)
        if row is None:
            row = CalendarDay(day=day)
            session.add(row)
        row.workday, row.name, row.updated_by = workday, name[:64], who
        row.updated_at = datetime.now(UTC)
        await session.commit()
    return {"day": day.isoformat(), "workday": workday, "name": name[:64], "source": "admin"}


async def clear_day(engine: AsyncEngine, day: date) -> bool:
    async with AsyncSession(engine) as session:
        row = await session.get(CalendarDay, day)
        if row is None:
            return False
        await session.delete(row)
        await session.commit()
    return True


async def list_days(engine: AsyncEngine, year: int) -> list[dict[str, Any]]:
    """The year's special days (holidays, make-up workdays), shipped and admin-entered."""
    days = {d: (w, n, "shipped") for d, (w, n) in shipped_days().items() if d.year == year}
    async with AsyncSession(engine) as session:
        for row in (await session.scalars(select(CalendarDay))).all():
            if row.day.year == year:
                days[row.day] = (row.workday, row.name, "admin")
    return [
        {"day": d.isoformat(), "workday": w, "name": n, "source": s}
        for d, (w, n, s) in sorted(days.items())
    ]
