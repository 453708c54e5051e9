"""The report's figures of a period (``docs/metrics.md``): the current daily roll-ups of its
days (``handoff.rollups``) plus the partial counts of its other days read from the facts
(``handoff.report_sql``), turned into figures. The result equals the figures computed from the
facts alone (tests/handoff/test_report_sql.py).

First-response percentiles stay exact (nearest rank): the summed bucket counts of a group say
in which bucket the p-th value lies and at what place, and one indexed query reads that value
from the facts of the period; the share within the SLA target likewise adds whole buckets and
counts the one bucket the target falls in."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from handoff.models import ConversationFact, Ticket
from handoff.qa_models import QaReview
from handoff.report_sql import (
    Partials,
    bucket_end,
    count_at_most,
    partials,
    value_at,
)
from handoff.rollups import current_days, rolled
from handoff.ticket_models import TicketFollowup

F = ConversationFact
TOP = 10
PERCENTILES = (50, 90)
DEFAULT_SLA_S = 3600.0


async def aggregate(
    engine: AsyncEngine,
    start: datetime,
    end: datetime,
    tz: str,
    sla_targets: dict[str, float],
    now: datetime,
    use_rollups: bool = True,
    groups: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The figures of the conversations that ended in [start, end) and the tickets created then
    (``use_rollups=False``: from the facts alone, as the benchmark compares). Each of ``groups``
    (the configured skill groups) has a first-response entry even with nothing to measure (no
    agents, a quiet period): count 0, percentiles and share None."""
    postgres = engine.dialect.name == "postgresql"
    in_period = and_(F.ended_at >= start, F.ended_at < end)
    async with engine.connect() as conn:
        days = await current_days(conn, tz, start, end, now) if use_rollups else []
        total = await rolled(conn, tz, [d for d, _, _ in days])
        rest = _outside(start, end, [(s, e) for _, s, e in days])
        if rest is not None:
            total.add(await partials(conn, and_(in_period, rest), tz, postgres))
        first = await _first_response(conn, in_period, total, sla_targets, postgres)
        for group in groups:
            first.setdefault(group, _nothing(sla_targets.get(group, DEFAULT_SLA_S)))
        first = dict(sorted(first.items()))
        tickets = await _tickets(conn, start, end, now)
        followups = await _followups(conn, start, end)
        qa = await _qa(conn, start, end)
    return {
        **_cube(total.cube),
        "volume_by_hour": [total.hours.get(h, 0) for h in range(24)],
        "first_response": first,
        "top_intents": _ranked(total.intents)[:TOP],
        "top_faqs": _ranked(total.faqs)[:TOP],
        "tickets": tickets,
        "followups": followups,
        "qa": qa,
    }


def _outside(
    start: datetime, end: datetime, spans: list[tuple[datetime, datetime]]
) -> ColumnElement[bool] | None:
    """The parts of [start, end) no span covers (None: nothing left)."""
    gaps, at = [], start
    for s, e in spans:
        if s > at:
            gaps.append((at, s))
        at = max(at, e)
    if at < end:
        gaps.append((at, end))
    if not gaps:
        return None
    return or_(false(), *(and_(F.ended_at >= a, F.ended_at < b) for a, b in gaps))


# Ends that leave the customer with a person's work to come (or none done): not contained.
NOT_CONTAINED = frozenset({"unsolved", "ticket", "abandoned"})


def _cube(cube: Counter[tuple[Any, ...]]) -> dict[str, Any]:
    total = contained = handed = solved = unsolved = complaints = 0
    first_contact = customers = 0
    by_channel: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    rated: dict[str, dict[str, Counter[int]]] = {"agent": {}, "group": {}, "bot": {}}
    for key, n in cube.items():
        part, channel, bot_only, reason, group, agent, resolution, rating, complaint, first = key
        if part == "ratings":
            for kind, name in (("bot", "bot" if bot_only else None), ("agent", agent),
                               ("group", group)):  # fmt: skip
                if name:
                    rated[kind].setdefault(name, Counter())[int(rating)] += n
            continue
        total += n
        by_channel[channel or "unknown"] += n
        if bot_only and not reason:
            contained += n if resolution not in NOT_CONTAINED else 0
        else:  # a person owned it, or one was asked for (a ticket when nobody could come)
            handed += n
            reasons[reason or "unknown"] += n
        solved += n if resolution == "solved" else 0
        unsolved += n if resolution == "unsolved" else 0
        complaints += n if reason == "complaint" or complaint else 0
        if first is not None:
            customers += n
            first_contact += n if first else 0
    return {
        "conversations": total,
        "volume_by_channel": dict(sorted(by_channel.items())),
        "containment_rate": rate(contained, total),
        "handoff_rate": rate(handed, total),
        "handoffs_by_reason": dict(_ranked(reasons)),
        "resolution_rate": rate(solved, solved + unsolved),
        "first_contact_resolution_rate": rate(first_contact, customers),
        "complaint_rate": rate(complaints, total),
        "satisfaction": {
            kind: {name: _satisfaction(counts) for name, counts in sorted(by.items())}
            for kind, by in rated.items()
        },
    }


async def _first_response(
    conn: AsyncConnection,
    in_period: ColumnElement[bool],
    total: Partials,
    sla_targets: dict[str, float],
    postgres: bool,
) -> dict[str, Any]:
    buckets: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (group, bucket), n in sorted(total.first_response.items()):
        if n:
            buckets[group].append((bucket, n))
    out = {}
    for group, hist in sorted(buckets.items()):
        count = sum(n for _, n in hist)
        values = {}
        for p in PERCENTILES:
            bucket, offset = _locate(hist, nearest_rank(count, p))
            value = await value_at(conn, in_period, group, bucket, offset, postgres)
            values[p] = float(bucket) if value is None else value  # roll-up raced a write
        target = sla_targets.get(group, DEFAULT_SLA_S)
        within = sum(n for b, n in hist if bucket_end(b) <= target)
        edge = next((b for b, _ in hist if b <= target < bucket_end(b)), None)
        if edge is not None:
            within += await count_at_most(conn, in_period, group, edge, target, postgres)
        out[group] = {
            "count": count,
            "p50_s": round(values[50], 1),
            "p90_s": round(values[90], 1),
            "sla_target_s": target,
            "within_sla_rate": rate(within, count),
        }
    return out


def _nothing(target: float) -> dict[str, Any]:
    return {"count": 0, "p50_s": None, "p90_s": None, "sla_target_s": target,
            "within_sla_rate": None}  # fmt: skip


def _locate(hist: list[tuple[int, int]], rank: int) -> tuple[int, int]:
    """The bucket holding the ``rank``-th value (1-based) and its 0-based place in it."""
    before = 0
    for bucket, n in hist:
        if before + n >= rank:
            return bucket, rank - before - 1
        before += n
    return hist[-1][0], hist[-1][1] - 1


async def _tickets(
    conn: AsyncConnection, start: datetime, end: datetime, now: datetime
) -> dict[str, Any]:
    from sqlalchemy import case

    # a ticket is done when it is resolved (closing comes later, after the follow-up)
    done_at = func.coalesce(Ticket.resolved_at, Ticket.closed_at)
    overdue = case(
        (done_at.is_not(None), case((done_at > Ticket.due_at, 1), else_=0)),
        (Ticket.due_at < now, 1),
        else_=0,
    )
    opened, late = (
        await conn.execute(
            select(func.count(), func.sum(overdue)).where(
                Ticket.created_at >= start, Ticket.created_at < end
            )
        )
    ).one()
    opened, late = int(opened), int(late or 0)
    return {"opened": opened, "overdue": late, "overdue_rate": rate(late, opened)}


async def _followups(conn: AsyncConnection, start: datetime, end: datetime) -> dict[str, Any]:
    """回访 of the tasks created in the period (a complaint or after-sales ticket resolved then):
    how many, how many reached (satisfied or not), the follow-up rate and, of those reached, the
    share satisfied. Pending tasks count in the denominator: a call not made is a call missed."""
    rows = await conn.execute(
        select(TicketFollowup.outcome, func.count())
        .where(TicketFollowup.created_at >= start, TicketFollowup.created_at < end)
        .group_by(TicketFollowup.outcome)
    )
    counts = {outcome or "pending": int(n) for outcome, n in rows.all()}
    tasks = sum(counts.values())
    satisfied = counts.get("satisfied", 0)
    reached = satisfied + counts.get("not_satisfied", 0)
    return {
        "tasks": tasks,
        "reached": reached,
        "satisfied": satisfied,
        "pending": counts.get("pending", 0),
        "followup_rate": rate(reached, tasks),
        "satisfaction_rate": rate(satisfied, reached),
    }


async def _qa(conn: AsyncConnection, start: datetime, end: datetime) -> dict[str, Any]:
    """QA reviews scored in the period and their average total (after upheld appeals)."""
    in_period = and_(QaReview.scored_at >= start, QaReview.scored_at < end)
    row = (
        await conn.execute(select(func.count(), func.avg(QaReview.total)).where(in_period))
    ).one()
    return {"reviews": int(row[0]), "average": round(float(row[1]), 2) if row[0] else None}


def nearest_rank(count: int, p: int) -> int:
    """The 1-based row of the nearest-rank p-th percentile of ``count`` ordered values."""
    return max(1, -(-count * p // 100))


def rate(part: int, whole: int) -> float | None:
    """A share in 0..1 (4 decimals), or None when there is nothing to divide (never 0 %)."""
    return round(part / whole, 4) if whole else None


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], kv[0]))


def _satisfaction(counts: Counter[int]) -> dict[str, Any]:
    rated = sum(counts.values())
    return {
        "rated": rated,
        "average": round(sum(v * n for v, n in counts.items()) / rated, 2),
        "satisfied_rate": rate(sum(n for v, n in counts.items() if v >= 4), rated),
    }
