"""Retention: past the configured days, archived transcripts are deleted and facts and closed
tickets lose the customer's id and words; newer rows and open tickets stay untouched; the
staff console's worker runs the purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import ConversationArchive, ConversationFact, Ticket
from handoff.retention import purge_expired
from tests.staff_console import Console

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=200)
NEW = NOW - timedelta(days=10)


async def seed(engine: Any) -> None:
    async with AsyncSession(engine) as session:
        for name, when in (("old", OLD), ("new", NEW)):
            session.add(
                ConversationArchive(
                    conversation_id=f"{name}-1",
                    closed_seq=2,
                    closed_at=when,
                    transcript=[{"from": "customer", "text": "手机13812345678"}],
                )
            )
            session.add(
                ConversationFact(
                    conversation_id=f"{name}-1",
                    customer_id=f"cust-{name}",
                    started_at=when,
                    ended_at=when,
                    rating=2,
                    rating_comment="太慢了",
                )
            )
            for status in ("open", "closed"):
                session.add(
                    Ticket(
                        conversation_id=f"{name}-{status}",
                        customer_id=f"cust-{name}",
                        text="请回电",
                        status=status,
                        due_at=when,
                        created_at=when,
                        closed_at=when if status == "closed" else None,
                    )
                )
        await session.commit()


async def snapshot(engine: Any) -> dict[str, Any]:
    async with AsyncSession(engine) as session:
        archives = (await session.scalars(select(ConversationArchive))).all()
        facts = (await session.scalars(select(ConversationFact))).all()
        tickets = (await session.scalars(select(Ticket))).all()
    return {
        "archives": sorted(a.conversation_id for a in archives),
        "facts": {f.conversation_id: (f.customer_id, f.rating, f.rating_comment) for f in facts},
        "tickets": {t.conversation_id: (t.customer_id, t.text) for t in tickets},
    }


async def test_purge_deletes_and_anonymises_only_what_is_past_retention(async_engine: Any):
    await seed(async_engine)
    purged = await purge_expired(async_engine, retention_days=180)
    assert purged.as_dict() == {"archives": 1, "facts": 1, "tickets": 1}
    assert await snapshot(async_engine) == {
        "archives": ["new-1"],
        "facts": {"old-1": ("", 2, ""), "new-1": ("cust-new", 2, "太慢了")},
        "tickets": {
            "old-open": ("cust-old", "请回电"),  # still being worked on: kept whole
            "old-closed": ("", ""),
            "new-open": ("cust-new", "请回电"),
            "new-closed": ("cust-new", "请回电"),
        },
    }
    assert (await purge_expired(async_engine, retention_days=180)).as_dict() == {
        "archives": 0,
        "facts": 0,
        "tickets": 0,
    }
    await purge_expired(async_engine, retention_days=0)  # 0 keeps everything
    assert (await snapshot(async_engine))["archives"] == ["new-1"]


async def test_the_console_worker_purges(console: Console):
    await seed(console.ctx.engine)
    assert console.ctx.settings.retention_days == 180
    report = await console.ctx.worker.tick()
    assert report["purged"] == 3
    assert (await snapshot(console.ctx.engine))["archives"] == ["new-1"]
