"""Seed a realistic stretch of service history into the SQL database: one
``conversation_facts`` row per ended conversation (plus the tickets some of them left), so a
newcomer sees a full report (``kefu demo --history 30d``) and the report benchmark has data.

    .venv/bin/python -m bench.history --days 30 [--per-day 800] [--database-url URL] [--seed 1]

Traffic follows a day curve (quiet at night, peaks at 10-11 h and 20-22 h in KEFU_TIMEZONE),
about 70 % web, 20 % WeChat, 10 % REST; about 60 % end with the bot; people hand off for the
architecture's reasons; complaints always leave a ticket. Rows are written in batches of 5,000
with SQLAlchemy Core. Ids start with ``hist-`` so a second run adds no duplicates (the same seed
and days give the same ids; existing ones are skipped by deleting them first). Customers come
back (about 1 in 5 of a day's customers writes again within days), so first-contact resolution
has something to measure: after writing, every fact's recontact mark is set in one statement and
the report days of the stretch are marked for a new roll-up."""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, update

from handoff.models import ConversationFact, Ticket
from handoff.recontact import remark_all_sql, topic_of
from handoff.report_models import ReportDay
from kefu.db import make_engine

HOURS = [1, 1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 11, 8, 9, 10, 10, 9, 8, 8, 10, 12, 12, 9, 4]
CHANNELS = ["web"] * 7 + ["wechat"] * 2 + ["rest"]
BOT_INTENTS = ["ask_faq", "track_shipment", "check_order_status", "check_refund", "product_inquiry"]
HUMAN = [
    ("explicit_request", "aftersales", "request_return"),
    ("repeated_fallback", "presale", "product_inquiry"),
    ("low_confidence", "logistics", "track_shipment"),
    ("negative_sentiment", "aftersales", "check_refund"),
    ("complaint", "complaints", "file_complaint"),
    ("flow_needs_human", "aftersales", "request_repair"),
    ("vip", "presale", "product_inquiry"),
]
AGENTS = {
    "presale": ["xiaoli", "xiaowang", "xiaozhou"],
    "aftersales": ["ahui", "laochen", "xiaomei", "dapeng"],
    "logistics": ["xiaozhao", "ajie"],
    "complaints": ["zhangjie"],
}


EMPTY: dict[str, Any] = {
    "intents": [],
    "handoff_reason": None,
    "skill_group": None,
    "agent": None,
    "wait_s": None,
    "first_response_s": None,
    "handle_s": None,
    "ticket_id": None,
    "rating": None,
    "rating_comment": "",
    "rated_at": None,
}


def rows(days: int, per_day: int, seed: int, tz: str, end: datetime) -> Any:
    rnd = random.Random(seed)  # noqa: S311 - made-up history, not secrets
    zone = ZoneInfo(tz)
    first = (end.astimezone(zone) - timedelta(days=days)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    weights = [h / sum(HOURS) for h in HOURS]
    n = 0
    for day in range(days):
        base = first + timedelta(days=day)
        count = int(per_day * rnd.uniform(0.8, 1.2) * (1.3 if base.weekday() >= 5 else 1.0))
        for _ in range(count):
            n += 1
            hour = rnd.choices(range(24), weights)[0]
            started = (base + timedelta(hours=hour, seconds=rnd.uniform(0, 3600))).astimezone(UTC)
            fact: dict[str, Any] = {
                "conversation_id": f"hist-{seed}-{n}",
                "customer_id": f"hist-c{rnd.randint(1, per_day * 5)}",
                "channel": rnd.choice(CHANNELS),
                "lang": "en" if rnd.random() < 0.05 else "zh",
                "customer_tier": rnd.choice([0, 0, 0, 1, 2]),
                "started_at": started,
                "faq_ids": [],
                "bot_only": True,
                "resolution": "unknown",
            }
            if rnd.random() < 0.6:
                intent = rnd.choice(BOT_INTENTS)
                fact["intents"] = [intent]
                if intent == "ask_faq":
                    fact["faq_ids"] = [f"faq-{rnd.randint(1, 40)}"]
                fact["resolution"] = rnd.choices(["solved", "unsolved", "unknown"], [6, 1, 3])[0]
                fact["ended_at"] = started + timedelta(seconds=rnd.uniform(30, 400))
                if rnd.random() < 0.3:
                    fact["rating"] = rnd.choices([5, 4, 3, 2, 1], [5, 3, 1, 1, 1])[0]
            else:
                reason, group, intent = rnd.choice(HUMAN)
                wait = rnd.expovariate(1 / 60)
                first_response = rnd.expovariate(1 / 25)
                handle = rnd.uniform(120, 900)
                fact.update(
                    intents=[rnd.choice(BOT_INTENTS), intent],
                    bot_only=False,
                    handoff_reason=reason,
                    skill_group=group,
                    agent=rnd.choice(AGENTS[group]),
                    wait_s=round(wait, 1),
                    first_response_s=round(first_response, 1),
                    handle_s=round(handle, 1),
                    resolution=rnd.choices(["solved", "unsolved", "unknown"], [7, 1, 2])[0],
                    ended_at=started + timedelta(seconds=wait + handle),
                )
                if reason == "complaint" or rnd.random() < 0.05:
                    fact["resolution"] = "ticket"
                if rnd.random() < 0.5:
                    fact["rating"] = rnd.choices([5, 4, 3, 2, 1], [6, 3, 1, 1, 1])[0]
            if fact["ended_at"] > end:
                continue
            fact["topic"] = topic_of(fact.get("intents") or [])
            yield {**EMPTY, **fact}


def parse_days(value: str) -> int:
    """``30d`` or ``30`` → 30 (1 to 366 days)."""
    raw = value.strip().lower().removesuffix("d")
    if not raw.isdigit() or not 1 <= int(raw) <= 366:
        raise ValueError(f"{value!r}: give a number of days from 1 to 366, e.g. 30d")
    return int(raw)


def tickets_for(facts: list[dict[str, Any]], rnd: random.Random) -> list[dict[str, Any]]:
    out = []
    for f in facts:
        if f.get("resolution") != "ticket":
            continue
        created = f["ended_at"]
        due = created + timedelta(hours=24)
        late = rnd.random() < 0.15
        closed = created + timedelta(hours=rnd.uniform(30, 60) if late else rnd.uniform(1, 20))
        out.append(
            {
                "conversation_id": f["conversation_id"],
                "customer_id": f["customer_id"],
                "text": "（历史数据）客户留言",
                "status": "closed",
                "owner": f"group:{f['skill_group']}",
                "skill_group": f["skill_group"],
                "due_at": due,
                "created_at": created,
                "closed_at": closed,
                "closed_by": f.get("agent") or "",
                "resolution": "done",
            }
        )
    return out


def seed_history(
    database_url: str,
    days: int,
    per_day: int,
    seed: int = 1,
    tz: str = "Asia/Shanghai",
    end: datetime | None = None,
) -> dict[str, int]:
    """Write ``days`` days of history ending at ``end`` (default now)."""
    engine = make_engine(database_url)
    rnd = random.Random(seed + 1)  # noqa: S311 - made-up history, not secrets
    written = tickets = 0
    try:
        with engine.begin() as conn:
            conn.execute(
                delete(ConversationFact).where(
                    ConversationFact.conversation_id.like(f"hist-{seed}-%")
                )
            )
            conn.execute(delete(Ticket).where(Ticket.conversation_id.like(f"hist-{seed}-%")))
        batch: list[dict[str, Any]] = []
        for fact in rows(days, per_day, seed, tz, end or datetime.now(UTC)):
            batch.append(fact)
            if len(batch) >= 5000:
                written, tickets = _flush(engine, batch, rnd, written, tickets)
        written, tickets = _flush(engine, batch, rnd, written, tickets)
        with engine.begin() as conn:
            conn.execute(remark_all_sql(engine.dialect.name))
            # every report day of the stretch (and after: recontacts) needs a new roll-up
            first = (end or datetime.now(UTC)) - timedelta(days=days + 1)
            conn.execute(
                update(ReportDay)
                .where(ReportDay.ends_at > first)
                .values(changes=ReportDay.changes + 1)
            )
    finally:
        engine.dispose()
    return {"facts": written, "tickets": tickets}


def _flush(engine: Any, batch: list[dict[str, Any]], rnd: random.Random, w: int, t: int) -> Any:
    if not batch:
        return w, t
    made = tickets_for(batch, rnd)
    with engine.begin() as conn:
        conn.execute(insert(ConversationFact), batch)
        if made:
            conn.execute(insert(Ticket), made)
    count = len(batch)
    batch.clear()
    return w + count, t + len(made)


def main() -> None:
    from console.settings import StaffSettings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=800)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    settings = StaffSettings()
    url = args.database_url or settings.database_url
    began = time.perf_counter()
    result = seed_history(url, args.days, args.per_day, args.seed, settings.timezone)
    result["seconds"] = round(time.perf_counter() - began, 1)  # type: ignore[assignment]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
