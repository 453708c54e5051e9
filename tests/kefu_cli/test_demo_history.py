"""``kefu demo --history 30d``: the month of history it seeds gives a full report — every figure
has something in it — equal from the daily roll-ups, from the facts alone and from the row-by-row
definitions (tests/handoff/test_report_sql.py), on SQLite and PostgreSQL; a bad span is refused
before anything starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import ConversationFact, Ticket
from handoff.reports import figures, period_of
from handoff.rollups import Rollups
from kefu_cli.cli import main
from kefu_cli.history import parse_days, seed_history
from tests.handoff.test_report_sql import SLA, aware, by_python

TZ = "Asia/Shanghai"


async def test_the_seeded_month_gives_a_full_report_equal_to_the_raw_figures(
    async_engine: Any, database_url: str
) -> None:
    now = datetime.now(UTC)
    made = seed_history(database_url, parse_days("30d"), 60, tz=TZ, end=now)
    assert made["facts"] > 1000 and made["tickets"] > 0
    rollups = Rollups(async_engine, TZ)
    while await rollups.tick(now):
        pass
    # the last full week, and the month holding most of the history
    for period in (
        period_of("week", (now - timedelta(days=7)).astimezone(ZoneInfo(TZ)).date(), TZ),
        period_of("month", (now - timedelta(days=15)).date(), TZ),
    ):
        got = await figures(async_engine, period, TZ, SLA, now=now)
        assert got == await figures(async_engine, period, TZ, SLA, now=now, use_rollups=False)
        async with AsyncSession(async_engine) as session:
            everyone = list((await session.scalars(select(ConversationFact))).all())
            tickets = (
                await session.scalars(
                    select(Ticket).where(
                        Ticket.created_at >= period.start, Ticket.created_at < period.end
                    )
                )
            ).all()
        facts = [f for f in everyone if period.start <= aware(f.ended_at) < period.end]
        assert got == by_python(facts, list(tickets), TZ, datetime.now(UTC), everyone)
        assert got["conversations"] > 0 and got["top_intents"] and got["top_faqs"]
        assert got["first_contact_resolution_rate"] not in (None, 0.0, 1.0)
        assert set(got["first_response"]) == {"presale", "aftersales", "logistics", "complaints"}
        assert all(got["satisfaction"][kind] for kind in ("agent", "group", "bot"))
        assert got["tickets"]["opened"] > 0


def test_a_bad_history_span_is_refused_before_anything_starts() -> None:
    result = CliRunner().invoke(main, ["demo", "--history", "thirty"])
    assert result.exit_code == 2
    assert "give a number of days from 1 to 366" in result.output
