"""Ticket list pages and filters on 100,000 tickets in PostgreSQL.

Fills a PostgreSQL database (``--url``, default ``$KEFU_BENCH_POSTGRES_URL``) migrated to the
newest revision with ``--rows`` tickets spread over four skill groups, 40 agents, every type
and state and due times from a month ago to a month ahead, then times what the console's ticket
list asks (``handoff.tickets.list_tickets``, the same code the API runs): the first page of each
filter, as a supervisor and as an agent (their own + their groups'), and a deep page. Prints a
table of p50 / p99 in milliseconds and a JSON line.

    KEFU_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/kefu_bench \\
        .venv/bin/kefu bench tickets [--rows 100000] [--repeat 30]

The database's ``tickets`` tables are emptied first: point it at a throw-away database."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from handoff.accounts import Principal
from handoff.ticket_states import STATES, TYPES
from handoff.tickets import list_tickets
from kefu.db import make_async_engine, make_engine
from kefu.schema import upgrade

GROUPS = ["presale", "aftersales", "logistics", "complaints"]


def fill(url: str, rows: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(13)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            text("TRUNCATE ticket_entries, ticket_conversations, tickets RESTART IDENTITY")
        )
        batch: list[dict[str, Any]] = []
        for i in range(rows):
            group = GROUPS[i % 4]
            state = rng.choices(STATES, weights=[10, 10, 15, 8, 20, 35, 2])[0]
            created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
            batch.append(
                {
                    "conversation_id": f"bench-{i}",
                    "customer_id": f"cust-{rng.randint(1, 30000)}",
                    "channel": "web",
                    "type": rng.choice(TYPES),
                    "priority": "normal",
                    "text": "客户反映的问题 " * 4,
                    "status": state,
                    "assignee": "" if state == "new" else f"agent{i % 40}",
                    "skill_group": group,
                    "created_by": "",
                    "due_at": now + timedelta(minutes=rng.randint(-60 * 24 * 30, 60 * 24 * 30)),
                    "escalation_level": 0,
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                    "closed_by": "",
                    "resolution": "",
                }
            )
            if len(batch) == 5000:
                conn.execute(_INSERT, batch)
                batch = []
        if batch:
            conn.execute(_INSERT, batch)
        conn.execute(text("ANALYZE tickets"))
    engine.dispose()


_INSERT = text(
    "INSERT INTO tickets (conversation_id, customer_id, channel, type, priority, text, status, "
    "assignee, skill_group, created_by, due_at, escalation_level, version, created_at, "
    "updated_at, closed_by, resolution) VALUES (:conversation_id, :customer_id, :channel, :type, "
    ":priority, :text, :status, :assignee, :skill_group, :created_by, :due_at, "
    ":escalation_level, :version, :created_at, :updated_at, :closed_by, :resolution)"
)


async def measure(url: str, repeat: int) -> dict[str, dict[str, float]]:
    engine = make_async_engine(url)
    boss = Principal("boss", frozenset({"supervisor"}))
    agent = Principal("agent7", frozenset({"agent"}), frozenset({"aftersales", "complaints"}))
    cases: dict[str, dict[str, Any]] = {
        "open (supervisor)": {"status": "open", "who": boss},
        "state=in_progress": {"status": "in_progress", "who": boss},
        "assignee=agent7": {"assignee": "agent7", "who": boss},
        "group=complaints": {"group": "complaints", "who": boss},
        "overdue": {"overdue": True, "who": boss},
        "type=complaint, open": {"kind": "complaint", "status": "open", "who": boss},
        "mine (agent)": {"mine": True, "who": agent},
        "my groups, open (agent)": {"status": "open", "who": agent},
        "overdue, my groups (agent)": {"overdue": True, "who": agent},
        "open, page 50 (supervisor)": {"status": "open", "who": boss, "offset": 5000},
    }
    results: dict[str, dict[str, float]] = {}
    try:
        for name, args in cases.items():
            args = dict(args)
            who = args.pop("who")
            await list_tickets(engine, limit=100, who=who, **args)  # warm
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                page = await list_tickets(engine, limit=100, who=who, **args)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            results[name] = {
                "p50_ms": round(statistics.median(times), 1),
                "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
                "rows": len(page),
            }
    finally:
        await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("KEFU_BENCH_POSTGRES_URL", ""))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("bench tickets: give a PostgreSQL URL (--url or KEFU_BENCH_POSTGRES_URL)")
    started = time.perf_counter()
    fill(args.url, args.rows)
    print(f"filled {args.rows} tickets in {time.perf_counter() - started:.1f} s")
    results = asyncio.run(measure(args.url, args.repeat))
    print(f"{'query (first page of 100)':34} {'p50 ms':>8} {'p99 ms':>8} {'rows':>5}")
    for name, row in results.items():
        print(f"{name:34} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} {row['rows']:5d}")
    print(json.dumps({"rows": args.rows, "queries": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
