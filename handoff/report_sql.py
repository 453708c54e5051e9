"""The report's partial figures aggregated in the database, not in Python: a period of a million
conversations is a few GROUP BY scans returning a few thousand rows, never a million rows.

``partials`` computes, for the facts matching a condition, the mergeable counts every figure is
made of (``docs/metrics.md``): the cube (counts by the columns the rates and ratings read), the
local hour each conversation started, the intents and FAQs (each once per conversation) and
the first responses per group in buckets (``bucket_of``). A day's partials are its roll-up
(``handoff.rollups``); a report adds the roll-ups of its settled days to the partials of the
rest and turns the sum into figures (``handoff.report_figures``). PostgreSQL does the local
hour with ``AT TIME ZONE``; SQLite, which has no time zones, groups by UTC minute (turned into
local hours here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from handoff.models import ConversationFact

F = ConversationFact
CUBE_KEYS = (
    "part", "channel", "bot_only", "handoff_reason", "skill_group", "agent", "resolution", "rating",
    "complaint_intent", "first_contact",
)  # fmt: skip
NOT_RESOLVED = ("unsolved", "abandoned", "ticket")
FINE_UNTIL_S = 600  # first responses: 1-second buckets below, 1-minute buckets from here on


@dataclass
class Partials:
    """Mergeable counts of a set of conversations."""

    cube: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    hours: Counter[int] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)
    faqs: Counter[str] = field(default_factory=Counter)
    first_response: Counter[tuple[str, int]] = field(default_factory=Counter)  # (group, bucket)

    def add(self, other: Partials) -> None:
        for name in ("cube", "hours", "intents", "faqs", "first_response"):
            getattr(self, name).update(getattr(other, name))


def bucket_of(value: float) -> int:
    """The first-response bucket of a value: whole seconds below FINE_UNTIL_S, whole minutes
    (as seconds) from there on — what ``bucket_sql`` computes in the database."""
    whole = int(value // 1)
    return whole if value < FINE_UNTIL_S else whole - whole % 60


def bucket_end(bucket: int) -> int:
    return bucket + 1 if bucket < FINE_UNTIL_S else bucket + 60


def bucket_sql(postgres: bool) -> ColumnElement[Any]:
    value = F.first_response_s
    # PostgreSQL's CAST rounds, SQLite's truncates: floor first where it rounds
    whole = cast(func.floor(value), Integer) if postgres else cast(value, Integer)
    return case((value < FINE_UNTIL_S, whole), else_=whole - whole % 60)


def answered() -> ColumnElement[bool]:
    """Facts with a first response in a named group (the first-response figures' population)."""
    return and_(F.first_response_s.is_not(None), F.skill_group.is_not(None), F.skill_group != "")


async def partials(
    conn: AsyncConnection, where: ColumnElement[bool], tz: str, postgres: bool
) -> Partials:
    out = Partials()
    out.cube = await _cube(conn, where)
    out.hours = await (_hours_pg if postgres else _hours_sqlite)(conn, where, tz)
    out.intents = await element_counts(conn, where, F.intents, postgres)
    out.faqs = await element_counts(conn, where, F.faq_ids, postgres)
    bucket = bucket_sql(postgres).label("bucket")
    rows = await conn.execute(
        select(F.skill_group, bucket, func.count())
        .where(and_(where, answered()))
        .group_by(F.skill_group, bucket)
    )
    out.first_response = Counter({(str(g), int(b)): int(n) for g, b, n in rows})
    return out


def _count_columns() -> list[Any]:
    complaint = cast(F.intents, String).like('%"file_complaint"%')
    no_customer = or_(F.customer_id.is_(None), F.customer_id == "")
    first_contact = case(
        (no_customer, null()),
        (or_(F.recontacted == true(), F.resolution.in_(NOT_RESOLVED)), false()),
        else_=true(),
    )
    return [
        F.channel, F.bot_only, F.handoff_reason, F.resolution,
        complaint.label("complaint_intent"), first_contact.label("first_contact"),
    ]  # fmt: skip


def cube_key(row: Any) -> tuple[Any, ...]:
    """One cube row's key (``CUBE_KEYS``), the same whether read from the facts or from a
    roll-up (bools as bools). Two parts: ``counts`` (channel, bot-only, reason, resolution,
    complaint, first contact) and ``ratings`` (bot-only, group, agent, rating; rated only) —
    apart, each part has a few dozen keys a day instead of their product."""
    (part, channel, bot_only, reason, group, agent, resolution, rating, complaint, first) = row
    return (
        part, channel, bool(bot_only), reason, group, agent, resolution,
        None if rating is None else int(rating), bool(complaint),
        None if first is None else bool(first),
    )  # fmt: skip


async def _cube(conn: AsyncConnection, where: ColumnElement[bool]) -> Counter[tuple[Any, ...]]:
    out: Counter[tuple[Any, ...]] = Counter()
    keys = _count_columns()
    rows: Any = await conn.execute(select(*keys, func.count()).where(where).group_by(*keys))
    for channel, bot_only, reason, resolution, complaint, first, n in rows:
        key = ("counts", channel, bot_only, reason, None, None, resolution, None, complaint, first)
        out[cube_key(key)] += int(n)
    keys = [F.bot_only, F.skill_group, F.agent, F.rating]
    rows = await conn.execute(
        select(*keys, func.count()).where(and_(where, F.rating.is_not(None))).group_by(*keys)
    )
    for bot_only, group, agent, rating, n in rows:
        key = ("ratings", None, bot_only, None, group, agent, None, rating, False, None)
        out[cube_key(key)] += int(n)
    return out


async def _hours_pg(conn: AsyncConnection, where: ColumnElement[bool], tz: str) -> Counter[int]:
    hour = cast(func.extract("hour", func.timezone(tz, F.started_at)), Integer).label("hour")
    rows = await conn.execute(select(hour, func.count()).where(where).group_by(hour))
    return Counter({int(h): int(n) for h, n in rows})


async def _hours_sqlite(conn: AsyncConnection, where: ColumnElement[bool], tz: str) -> Counter[int]:
    """SQLite has no time zones: count by UTC minute (every zone's offset is whole minutes),
    then place each minute in its local hour."""
    minute = func.strftime("%Y-%m-%d %H:%M", F.started_at).label("minute")
    rows = await conn.execute(select(minute, func.count()).where(where).group_by(minute))
    zone, utc = ZoneInfo(tz), ZoneInfo("UTC")
    by_hour: Counter[int] = Counter()
    for m, n in rows:
        local = datetime.strptime(m, "%Y-%m-%d %H:%M").replace(tzinfo=utc).astimezone(zone)
        by_hour[local.hour] += int(n)
    return by_hour


async def element_counts(
    conn: AsyncConnection, where: ColumnElement[bool], column: Any, postgres: bool
) -> Counter[str]:
    """How many conversations hold each element of a JSON list column (once per conversation)."""
    if postgres:
        each = func.json_array_elements_text(column).table_valued("value").lateral()
    else:
        each = func.json_each(column).table_valued("value")
    pairs = (
        select(F.conversation_id, each.c.value.label("value"))
        .select_from(F)
        .join(each, true())
        .where(where)
        .distinct()
        .subquery()
    )
    rows = await conn.execute(select(pairs.c.value, func.count()).group_by(pairs.c.value))
    return Counter({str(value): int(n) for value, n in rows})


async def value_at(
    conn: AsyncConnection,
    where: ColumnElement[bool],
    group: str,
    bucket: int,
    offset: int,
    postgres: bool,
) -> float | None:
    """The ``offset``-th smallest first response (0-based) of ``group`` in ``bucket``: an
    index range scan of one bucket (``ix_facts_group_first_response``), never the period."""
    rows = await conn.execute(
        select(F.first_response_s)
        .where(_in_bucket(where, group, bucket, postgres))
        .order_by(F.first_response_s)
        .limit(1)
        .offset(offset)
    )
    value = rows.scalar()
    return None if value is None else float(value)


async def count_at_most(
    conn: AsyncConnection,
    where: ColumnElement[bool],
    group: str,
    bucket: int,
    limit: float,
    postgres: bool,
) -> int:
    query = select(func.count()).where(
        and_(_in_bucket(where, group, bucket, postgres), F.first_response_s <= literal(limit))
    )
    return int((await conn.execute(query)).scalar() or 0)


def _in_bucket(
    where: ColumnElement[bool], group: str, bucket: int, postgres: bool
) -> ColumnElement[bool]:
    return and_(
        where,
        answered(),
        F.skill_group == group,
        # the range lets the index narrow the scan; the bucket expression decides
        F.first_response_s >= bucket - 1,
        F.first_response_s < bucket_end(bucket) + 1,
        bucket_sql(postgres) == bucket,
    )
