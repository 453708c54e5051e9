"""Service reports: the figures of a period (day, week, month) from ``conversation_facts`` and
``tickets``, with the previous period beside them. Every figure is defined once, in
``docs/metrics.md``; ``handoff.report_sql`` and ``handoff.report_figures`` are that definition
in SQL, read from the daily roll-ups (``handoff.rollups``) where they are current.

A day is a calendar day, a week an ISO week (Monday to Sunday), a month a calendar month, all in
``KEFU_TIMEZONE``. Without a date the report is of the last full period; a period that has not
started yet is refused (``future_period``), one that has not ended yet is reported so far."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.report_figures import aggregate
from kefu.errors import ApiError

PERIODS = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime  # aware, UTC
    end: datetime  # exclusive
    label: str

    def previous(self, tz: str) -> Period:
        local = self.start.astimezone(ZoneInfo(tz)).date()
        if self.kind == "day":
            return period_of("day", local - timedelta(days=1), tz)
        if self.kind == "week":
            return period_of("week", local - timedelta(days=7), tz)
        return period_of("month", (local.replace(day=1) - timedelta(days=1)), tz)


def period_of(kind: str, day: date, tz: str) -> Period:
    """The ``kind`` period that contains ``day`` (local calendar in ``tz``)."""
    if kind == "day":
        first, last, label = day, day + timedelta(days=1), day.isoformat()
    elif kind == "week":
        first = day - timedelta(days=day.isoweekday() - 1)
        iso = first.isocalendar()
        last, label = first + timedelta(days=7), f"{iso.year}-W{iso.week:02d}"
    elif kind == "month":
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
        label = first.strftime("%Y-%m")
    else:
        raise ApiError(400, "invalid_period", f"period must be one of {', '.join(PERIODS)}")
    zone = ZoneInfo(tz)

    def at(d: date) -> datetime:
        return datetime.combine(d, time(0), zone).astimezone(UTC)

    return Period(kind, at(first), at(last), label)


def local_date(at: datetime, tz: str) -> date:
    """The local calendar day of an instant (naive values are UTC, as SQLite returns them)."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(tz)).date()


def resolve_period(
    kind: str, tz: str, on: str | None = None, now: datetime | None = None
) -> Period:
    """The period asked for: the one containing date ``on`` (YYYY-MM-DD), else the last full
    one. A bad date is ``invalid_date``; a period not started yet is ``future_period``."""
    if kind not in PERIODS:
        raise ApiError(400, "invalid_period", f"period must be one of {', '.join(PERIODS)}")
    today = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise ApiError(400, "invalid_date", "date must be YYYY-MM-DD") from None
        if day > today:
            raise ApiError(400, "future_period", f"{on} has not come yet: nothing to report")
        return period_of(kind, day, tz)
    return period_of(kind, today, tz).previous(tz)


Extra = Callable[[datetime, datetime], Awaitable[dict[str, Any]]]


async def report(
    engine: AsyncEngine,
    period: Period,
    tz: str,
    sla_targets: dict[str, float],
    extra: Extra | None = None,
    groups: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The figures of ``period`` and of the period before it (``previous``); ``extra(start,
    end)`` adds figures kept outside SQL (the unanswered questions, by the composition root)."""
    previous = period.previous(tz)
    now, before = (
        await figures(engine, period, tz, sla_targets, groups=groups),
        await figures(engine, previous, tz, sla_targets, groups=groups),
    )
    if extra is not None:
        now.update(await extra(period.start, period.end))
        before.update(await extra(previous.start, previous.end))
    return {
        "period": _describe(period),
        "timezone": tz,
        "figures": now,
        "previous": {"period": _describe(previous), "figures": before},
    }


async def figures(
    engine: AsyncEngine,
    period: Period,
    tz: str,
    sla_targets: dict[str, float],
    now: datetime | None = None,
    use_rollups: bool = True,
    groups: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The figures of ``period``: the daily roll-ups of its settled days and the facts of the
    others (``handoff.report_figures``)."""
    return await aggregate(
        engine,
        period.start,
        period.end,
        tz,
        sla_targets,
        now or datetime.now(UTC),
        use_rollups,
        groups,
    )


def _describe(period: Period) -> dict[str, str]:
    return {
        "kind": period.kind,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
