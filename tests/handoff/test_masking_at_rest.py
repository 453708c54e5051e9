"""What outlives a conversation holds masked text: the SQL archive (transcript and events),
tickets, and the unanswered-question list editors read. The live events keep the full value
for the agent who owns the chat."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import redis as sync_redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import ConversationArchive, Ticket
from handoff.tickets import create_ticket
from kefu import redis_keys as keys
from knowledge_base.live import record_unanswered
from tests.staff_console import Console

PHONE, PHONE_MASKED = "13812345678", "138****5678"
ID_NUMBER, ID_MASKED = "110101199003071234", "1101**********1234"
BASE = "/api/v1/conversations"


async def test_archive_and_ticket_are_masked_live_events_are_not(console: Console):
    c = console
    a = await c.agent("li", ["aftersales"])
    assert (await c.handoff("pii")).json()["agent"] == "li"
    said = f"我的手机{PHONE}，身份证{ID_NUMBER}"
    await c.ctx.conversations.append("pii", "message", {"from": "customer", "text": said})
    live = [e for e in await c.events("pii") if e.type == "message"]
    assert live[-1].data["text"] == said  # the owning agent sees what was typed
    r = await c.http.post(f"{BASE}/pii/close", headers=a, json={"resolution": "done"})
    assert r.status_code == 200
    async with AsyncSession(c.ctx.engine) as session:
        row = await session.scalar(select(ConversationArchive))
    assert row is not None
    stored = json.dumps([row.transcript, row.events], ensure_ascii=False)
    assert PHONE not in stored and ID_NUMBER not in stored
    assert PHONE_MASKED in stored and ID_MASKED in stored
    assert f"我的手机{PHONE_MASKED}，身份证{ID_MASKED}" in [t["text"] for t in row.transcript]

    # a ticket (a message left by the customer, or a handoff nobody could take) is stored
    # masked, whatever text its caller passes
    made = await create_ticket(
        c.ctx.engine, "pii-t", "cust-pii", f"请回电{PHONE}", "aftersales", datetime.now(UTC)
    )
    assert made["text"] == f"请回电{PHONE_MASKED}"
    async with AsyncSession(c.ctx.engine) as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.conversation_id == "pii-t"))
    assert ticket is not None
    assert PHONE not in ticket.text and PHONE_MASKED in ticket.text


def test_unanswered_questions_are_stored_masked(redis_url: str):
    client = sync_redis.Redis.from_url(redis_url)
    try:
        record_unanswered(client, f"退款打到{PHONE}了吗 {ID_NUMBER}", "zh", "low_score", 0.1)
        [raw] = client.lrange(keys.KB_UNANSWERED, 0, -1)
    finally:
        client.close()
    stored = json.loads(raw)["q"]
    assert stored == f"退款打到{PHONE_MASKED}了吗 {ID_MASKED}"
