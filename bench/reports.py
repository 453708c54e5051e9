"""Month report over many conversations: seeds ``--facts`` conversation facts spread over the
last full month (``bench.history``) into a PostgreSQL database, then times the month report's
figures (this month and the previous one, as the page and ``kefu report`` compute them) from the
facts alone (``raw``), then rolls the days up as the console's worker does (timed) and times the
report again from the roll-ups, checking both give the same figures; and the HTML rendering.

    .venv/bin/python -m bench.reports --database-url postgresql://postgres@127.0.0.1:5432/DB \\
        --facts 1000000 [--runs 3] [--keep] [--reuse]

The database is migrated first; the seeded rows (ids ``hist-7-…``) are deleted at the end unless
``--keep``; ``--reuse`` times the rows a ``--keep`` run left without seeding again. Prints one
JSON line: facts, seconds to seed, and the report's p50 / max seconds."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, text

from bench.history import seed_history
from handoff.models import ConversationFact, Ticket
from handoff.report_models import ReportDay, ReportDayCube, ReportDayItem
from handoff.report_render import to_html
from handoff.reports import figures, report, resolve_period
from handoff.rollups import Rollups
from kefu.db import make_async_engine, make_engine
from kefu.schema import upgrade

SEED = 7
TZ = "Asia/Shanghai"


SLA = {"presale": 30.0, "aftersales": 60.0}


async def time_report(url: str, runs: int) -> dict[str, Any]:
    engine = make_async_engine(url)
    period = resolve_period("month", TZ)  # last month, which the history fills
    out: dict[str, Any] = {}
    try:
        raw, raw_data = await _timed(engine, period, runs, use_rollups=False)
        began, days = time.perf_counter(), 0
        rollups = Rollups(engine, TZ)
        while done := await rollups.tick():
            days += done
        out["rollup_days"], out["rollup_s"] = days, round(time.perf_counter() - began, 1)
        async with engine.begin() as conn:  # fresh planner statistics, as autovacuum keeps them
            for table in ("report_days", "report_day_cube", "report_day_items"):
                await conn.execute(text(f"ANALYZE {table}"))
        took, data = await _timed(engine, period, runs, use_rollups=True)
        out["same_figures"] = data == raw_data
        full = await report(engine, period, TZ, SLA)
    finally:
        await engine.dispose()
    began = time.perf_counter()
    to_html(full, "zh")
    out["render_html_s"] = round(time.perf_counter() - began, 2)
    out["facts_this_month"] = int(data["this"]["conversations"])
    out["raw_p50_s"], out["raw_max_s"] = round(statistics.median(raw), 2), round(max(raw), 2)
    out["report_p50_s"], out["report_max_s"] = (
        round(statistics.median(took), 2),
        round(max(took), 2),
    )
    return out


async def _timed(
    engine: Any, period: Any, runs: int, use_rollups: bool
) -> tuple[list[float], dict[str, Any]]:
    took, data = [], {}
    for _ in range(runs):
        began = time.perf_counter()
        data = {
            "this": await figures(engine, period, TZ, SLA, use_rollups=use_rollups),
            "previous": await figures(
                engine, period.previous(TZ), TZ, SLA, use_rollups=use_rollups
            ),
        }
        took.append(time.perf_counter() - began)
    return took, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="time the rows a --keep run left, seed nothing"
    )
    args = parser.parse_args()
    upgrade(args.database_url)
    began = time.perf_counter()
    month = resolve_period("month", TZ)
    days = (month.end - month.start).days
    if args.reuse:
        seeded = {"facts": -1}
        engine = make_engine(args.database_url)
        with engine.begin() as conn:  # roll the days up again, timed
            for table in (ReportDayCube, ReportDayItem, ReportDay):
                conn.execute(delete(table))
        engine.dispose()
    else:
        seeded = seed_history(
            args.database_url, days, args.facts // days, seed=SEED, tz=TZ, end=month.end
        )
        engine = make_engine(args.database_url)
        with engine.begin() as conn:  # fresh planner statistics, as autovacuum keeps them
            conn.execute(text("ANALYZE conversation_facts"))
            conn.execute(text("ANALYZE tickets"))
        engine.dispose()
    seed_s = time.perf_counter() - began
    timing = asyncio.run(time_report(args.database_url, args.runs))
    if not args.keep:
        engine = make_engine(args.database_url)
        with engine.begin() as conn:
            conn.execute(
                delete(ConversationFact).where(
                    ConversationFact.conversation_id.like(f"hist-{SEED}-%")
                )
            )
            conn.execute(delete(Ticket).where(Ticket.conversation_id.like(f"hist-{SEED}-%")))
        engine.dispose()
    print(json.dumps({"facts": seeded["facts"], "seed_s": round(seed_s, 1), **timing}))


if __name__ == "__main__":
    main()
