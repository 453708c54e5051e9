"""The report's figures aggregated in SQL equal a straightforward Python computation of the
``docs/metrics.md`` definitions over the very same rows — on SQLite and PostgreSQL, in a zone
with a half-hour offset and a daylight-saving change inside the period, with ties, repeats and
blanks in the data — read from the facts alone, from the daily roll-ups, and from roll-ups of
which some went stale after a late write."""

from __future__ import annotations

import random
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import ConversationFact, Ticket
from handoff.recontact import remark_all_sql, topic_of
from handoff.report_models import ReportDay
from handoff.reports import figures, period_of
from handoff.rollups import Rollups

NOW = datetime(2026, 4, 10, tzinfo=UTC)
SLA = {"presale": 30.0, "aftersales": 60.0}  # "logistics" has no target: the default
GROUPS = [None, "", "presale", "aftersales", "logistics"]
REASONS = [None, "explicit_request", "complaint", "low_confidence"]
INTENTS = ["ask_faq", "track_shipment", "file_complaint", "request_return", "check_refund"]


def random_facts(rnd: random.Random, start: datetime, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        started = start + timedelta(seconds=rnd.uniform(-86400, 33 * 86400))
        bot_only = rnd.random() < 0.5
        group = None if bot_only and rnd.random() < 0.8 else rnd.choice(GROUPS)
        intents = rnd.choices(INTENTS, k=rnd.randint(0, 3))
        out.append(
            {
                "conversation_id": f"r-{i}",
                # few customers, so many come back (about the same topic or not)
                "customer_id": rnd.choice(["", *(f"c{k}" for k in range(60))]),
                "channel": rnd.choice(["web", "web", "wechat", "rest", ""]),
                "started_at": started,
                "ended_at": started + timedelta(seconds=rnd.uniform(10, 7200)),
                # repeats inside one conversation count once
                "intents": intents,
                "topic": topic_of(intents),
                "faq_ids": rnd.choices([f"faq-{k}" for k in range(14)], k=rnd.randint(0, 2)),
                "bot_only": bot_only,
                # a bot-only chat with a reason: a handoff that became a ticket (nobody came)
                "handoff_reason": None
                if bot_only and rnd.random() < 0.7
                else rnd.choice(REASONS),
                "skill_group": group,
                "agent": None if bot_only else rnd.choice([None, "li", "wang", "zhao"]),
                # whole seconds often, so percentiles fall on ties
                "first_response_s": rnd.choice(
                    [None, float(rnd.randint(1, 90)), rnd.uniform(0, 5000)]
                ),
                "resolution": rnd.choice(["solved", "unsolved", "unknown", "ticket", "abandoned"]),
                "rating": rnd.choice([None, None, 1, 2, 3, 4, 5]),
            }
        )  # fmt: skip
    return out


def random_tickets(rnd: random.Random, start: datetime, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        created = start + timedelta(seconds=rnd.uniform(-86400, 33 * 86400))
        closed = created + timedelta(hours=rnd.uniform(0, 60)) if rnd.random() < 0.7 else None
        # most closed tickets were resolved first (closing waits for the follow-up)
        resolved = (
            closed - timedelta(hours=rnd.uniform(0, 30)) if closed and rnd.random() < 0.8 else None
        )
        out.append(
            {
                "conversation_id": f"r-{i}",
                "text": "x",
                "skill_group": "aftersales",
                "created_at": created,
                "due_at": created + timedelta(hours=24),
                "resolved_at": resolved,
                "closed_at": closed,
                "status": "closed" if closed else "new",
            }
        )
    return out


def by_python(
    facts: list[Any], tickets: list[Any], tz: str, now: datetime, everyone: list[Any]
) -> dict[str, Any]:
    """The definitions of docs/metrics.md, row by row (``everyone``: every fact, for the
    customers' later conversations)."""
    total = len(facts)
    customers = first_contact = 0
    for f in facts:
        if not f.customer_id:
            continue
        customers += 1
        again = any(
            g.conversation_id != f.conversation_id
            and g.customer_id == f.customer_id
            and topic_of(g.intents or []) == topic_of(f.intents or [])
            and aware(f.ended_at) < aware(g.started_at) <= aware(f.ended_at) + timedelta(days=3)
            for g in everyone
        )
        first_contact += not again and f.resolution not in ("unsolved", "abandoned", "ticket")
    by_hour = [0] * 24
    by_channel: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    intents: Counter[str] = Counter()
    faqs: Counter[str] = Counter()
    first: dict[str, list[float]] = defaultdict(list)
    ratings: dict[str, dict[str, list[int]]] = {"agent": {}, "group": {}, "bot": {}}
    contained = handed = solved = unsolved = complaints = 0
    for f in facts:
        by_hour[aware(f.started_at).astimezone(ZoneInfo(tz)).hour] += 1
        by_channel[f.channel or "unknown"] += 1
        intents.update(set(f.intents or []))
        faqs.update(set(f.faq_ids or []))
        if f.bot_only and not f.handoff_reason:
            contained += f.resolution not in ("unsolved", "ticket", "abandoned")
        else:
            handed += 1
            reasons[f.handoff_reason or "unknown"] += 1
        solved += f.resolution == "solved"
        unsolved += f.resolution == "unsolved"
        complaints += f.handoff_reason == "complaint" or "file_complaint" in (f.intents or [])
        if f.first_response_s is not None and f.skill_group:
            first[f.skill_group].append(f.first_response_s)
        if f.rating is not None:
            for kind, name in (("bot", "bot" if f.bot_only else None), ("agent", f.agent),
                               ("group", f.skill_group)):  # fmt: skip
                if name:
                    ratings[kind].setdefault(name, []).append(f.rating)
    overdue = sum(aware(t.resolved_at or t.closed_at or now) > aware(t.due_at) for t in tickets)
    return {
        "conversations": total,
        "volume_by_hour": by_hour,
        "volume_by_channel": dict(sorted(by_channel.items())),
        "containment_rate": share(contained, total),
        "handoff_rate": share(handed, total),
        "handoffs_by_reason": dict(ranked(reasons)),
        "resolution_rate": share(solved, solved + unsolved),
        "first_contact_resolution_rate": share(first_contact, customers),
        "complaint_rate": share(complaints, total),
        "first_response": {
            g: {
                "count": len(v),
                "p50_s": round(nearest(sorted(v), 50), 1),
                "p90_s": round(nearest(sorted(v), 90), 1),
                "sla_target_s": SLA.get(g, 3600.0),
                "within_sla_rate": share(sum(x <= SLA.get(g, 3600.0) for x in v), len(v)),
            }
            for g, v in sorted(first.items())
        },
        "satisfaction": {
            kind: {
                name: {
                    "rated": len(v),
                    "average": round(statistics.fmean(v), 2),
                    "satisfied_rate": share(sum(x >= 4 for x in v), len(v)),
                }
                for name, v in sorted(by.items())
            }
            for kind, by in ratings.items()
        },
        "top_intents": ranked(intents)[:10],
        "top_faqs": ranked(faqs)[:10],
        "tickets": {
            "opened": len(tickets),
            "overdue": overdue,
            "overdue_rate": share(overdue, len(tickets)),
        },
        # these rows have no follow-up calls (tests/handoff/test_reports.py counts them)
        "followups": {
            "tasks": 0,
            "reached": 0,
            "satisfied": 0,
            "pending": 0,
            "followup_rate": None,
            "satisfaction_rate": None,
        },
        "qa": {"reviews": 0, "average": None},  # these facts have no QA reviews (tests/qa has)
    }


def nearest(ordered: list[float], p: int) -> float:
    return ordered[max(1, -(-len(ordered) * p // 100)) - 1]


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@pytest.mark.parametrize("tz", ["America/St_Johns", "Asia/Shanghai"])
async def test_sql_figures_equal_a_python_computation_over_the_same_rows(
    async_engine: Any, tz: str
) -> None:
    rnd = random.Random(14)
    # March 2026: St. John's (UTC-3:30) moves to UTC-2:30 on the 8th
    period = period_of("month", date(2026, 3, 15), tz)
    async with AsyncSession(async_engine) as session:
        await session.execute(insert(ConversationFact), random_facts(rnd, period.start, 1500))
        await session.execute(insert(Ticket), random_tickets(rnd, period.start, 300))
        await session.execute(remark_all_sql(async_engine.dialect.name))
        await session.commit()
    expected = await expected_figures(async_engine, period, tz)
    assert expected["first_contact_resolution_rate"] not in (None, 0.0, 1.0)

    # from the facts alone
    assert await figures(async_engine, period, tz, SLA, use_rollups=False) == expected
    # from the roll-ups of every day, once the worker has rolled the finished days up
    rollups = Rollups(async_engine, tz)
    after = period.end + timedelta(days=2)
    while await rollups.tick(after):
        pass
    async with AsyncSession(async_engine) as session:
        days = (await session.scalars(select(ReportDay).where(ReportDay.tz == tz))).all()
    assert len(days) > 31 and all(d.rolls == 1 for d in days if aware(d.ends_at) <= after)
    assert await figures(async_engine, period, tz, SLA) == expected
    assert list((await figures(async_engine, period, tz, SLA))["handoffs_by_reason"]) == list(
        expected["handoffs_by_reason"]
    )


async def expected_figures(engine: Any, period: Any, tz: str) -> dict[str, Any]:
    async with AsyncSession(engine) as session:
        everyone = (await session.scalars(select(ConversationFact))).all()
        tickets = (
            await session.scalars(
                select(Ticket).where(
                    Ticket.created_at >= period.start, Ticket.created_at < period.end
                )
            )
        ).all()
    facts = [f for f in everyone if period.start <= aware(f.ended_at) < period.end]
    assert 1000 < len(facts) < 1500 and 150 < len(tickets) < 300  # edges are outside
    expected = by_python(facts, list(tickets), tz, datetime.now(UTC), list(everyone))
    assert set(expected["first_response"]) == {"presale", "aftersales", "logistics"}
    assert expected["satisfaction"]["bot"]["bot"]["rated"] > 0
    return expected
