"""PIPL: an admin exports everything kefu holds about one customer and erases it (API and
``kefu customer export|erase``); other customers' data stays; both are in the audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.conversation import Conversations
from handoff.models import ConversationArchive, ConversationFact, Ticket
from kefu import redis_keys as keys
from kefu_cli.cli import main
from tests.staff_console import Console

NOW = datetime.now(UTC)


async def seed(engine: Any, redis: Any, customer: str, prefix: str) -> None:
    """A ticket, a conversation fact and two archives (one found only by its packet)."""
    async with AsyncSession(engine) as session:
        session.add(
            Ticket(
                conversation_id=f"{prefix}-a",
                customer_id=customer,
                text="请回电 138****5678",
                due_at=NOW + timedelta(days=1),
            )
        )
        session.add(
            ConversationFact(
                conversation_id=f"{prefix}-a",
                customer_id=customer,
                started_at=NOW - timedelta(minutes=5),
                ended_at=NOW,
            )
        )
        for conv in (f"{prefix}-a", f"{prefix}-b"):
            session.add(
                ConversationArchive(
                    conversation_id=conv,
                    closed_seq=3,
                    packet={"customer": {"id": customer}},
                    transcript=[{"seq": 1, "from": "customer", "text": f"{prefix} 鞋子小了"}],
                )
            )
        await session.commit()
    await Conversations(redis).append(f"{prefix}-a", "message", {"from": "customer", "text": "hi"})


async def rows(engine: Any, customer: str) -> tuple[int, int, int]:
    async with AsyncSession(engine) as session:
        tickets = await session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.customer_id == customer)
        )
        facts = await session.scalar(
            select(func.count())
            .select_from(ConversationFact)
            .where(ConversationFact.customer_id == customer)
        )
        archives = (await session.scalars(select(ConversationArchive))).all()
    mine = [a for a in archives if a.packet.get("customer", {}).get("id") == customer]
    return int(tickets or 0), int(facts or 0), len(mine)


async def test_admin_exports_then_erases_one_customer(console: Console):
    c = console
    await seed(c.ctx.engine, c.ctx.redis, "cust-1", "c1")
    await seed(c.ctx.engine, c.ctx.redis, "cust-2", "c2")
    admin = await c.admin()
    agent = await c.agent("li", ["presale"])

    assert (await c.http.get("/api/v1/customers/cust-1/export", headers=agent)).status_code == 403
    r = await c.http.get("/api/v1/customers/cust-1/export", headers=admin)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["conversations"] == ["c1-a", "c1-b"]
    assert [t["text"] for t in data["tickets"]] == ["请回电 138****5678"]
    assert len(data["conversation_facts"]) == 1 and len(data["archives"]) == 2
    assert data["live"][0]["conversation_id"] == "c1-a"
    assert "c2" not in json.dumps(data)

    r = await c.http.post(
        "/api/v1/customers/cust-1/erase", headers=admin, json={"confirm": "cust-2"}
    )
    assert r.status_code == 400
    r = await c.http.post(
        "/api/v1/customers/cust-1/erase", headers=admin, json={"confirm": "cust-1"}
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "conversations": 2,
        "tickets": 1,
        "conversation_facts": 1,
        "archives": 2,
        "redis_keys": 2,
    }
    assert await rows(c.ctx.engine, "cust-1") == (0, 0, 0)
    assert await rows(c.ctx.engine, "cust-2") == (1, 1, 2)
    assert not await c.ctx.redis.exists(keys.conv_events("c1-a"))
    assert await c.ctx.redis.exists(keys.conv_events("c2-a"))

    r = await c.http.get("/api/v1/audit?action=customer.erase", headers=admin)
    [entry] = r.json()["entries"]
    assert (entry["actor"], entry["target"]) == ("admin", "cust-1")
    r = await c.http.get("/api/v1/audit?action=customer.export", headers=admin)
    assert [e["target"] for e in r.json()["entries"]] == ["cust-1"]


async def test_erase_waits_while_a_person_serves_the_customer(console: Console):
    c = console
    await seed(c.ctx.engine, c.ctx.redis, "cust-3", "c3")
    await c.agent("wang", ["aftersales"])  # online: the chat is his, not a ticket
    r = await c.handoff("c3-a", customer={"id": "cust-3", "display_name": "王女士"})
    assert r.status_code in (200, 201, 202), r.text
    r = await c.http.post(
        "/api/v1/customers/cust-3/erase", headers=await c.admin(), json={"confirm": "cust-3"}
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conversation_open"
    assert await rows(c.ctx.engine, "cust-3") == (1, 1, 2)


async def test_cli_exports_and_erases(
    console: Console, redis_url: str, database_url: str, tmp_path, monkeypatch
):  # type: ignore[no-untyped-def]
    await seed(console.ctx.engine, console.ctx.redis, "cust-4", "c4")
    monkeypatch.setenv("KEFU_DATABASE_URL", database_url)
    monkeypatch.setenv("KEFU_REDIS_URL", redis_url)
    out = tmp_path / "export.json"
    runner = CliRunner()
    result = await _invoke(runner, ["customer", "export", "cust-4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["conversations"] == ["c4-a", "c4-b"]
    assert out.stat().st_mode & 0o777 == 0o600
    result = await _invoke(runner, ["customer", "erase", "cust-4", "--yes"])
    assert result.exit_code == 0, result.output
    assert "tickets 1" in result.output
    assert await rows(console.ctx.engine, "cust-4") == (0, 0, 0)
    r = await console.http.get("/api/v1/audit?action=customer.erase", headers=await console.admin())
    assert r.json()["entries"][0]["actor"].startswith("cli:")


async def _invoke(runner: CliRunner, args: list[str]) -> Any:
    """The CLI runs its own event loop (asyncio.run): give it a thread."""
    import asyncio

    return await asyncio.to_thread(runner.invoke, main, args)
