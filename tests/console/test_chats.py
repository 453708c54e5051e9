"""An agent's work on a chat: reply, note, transfer, close (archived), hand back; presence,
SLA escalation; wrong roles, expired tokens, oversized text — real console, Redis and SQL."""

from __future__ import annotations

import asyncio
import time

import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import customer_events, is_customer_visible
from handoff.conversation import Owner
from handoff.models import ConversationArchive, SlaBreach
from kefu import redis_keys as keys
from tests.conftest import TEST_JWT_SECRET
from tests.staff_console import Console

BASE = "/api/v1/conversations"


async def test_reply_note_close_archives_and_csat(console: Console):
    c = console
    a = await c.agent("li", ["aftersales"])
    assert (await c.handoff("chat")).json()["agent"] == "li"
    await c.ctx.conversations.append("chat", "message", {"from": "customer", "text": "在吗"})
    r = await c.http.post(
        f"{BASE}/chat/messages", headers=a, json={"text": "您好，我来处理", "client_msg_id": "m-1"}
    )
    assert r.status_code == 201
    retry = await c.http.post(
        f"{BASE}/chat/messages", headers=a, json={"text": "您好，我来处理", "client_msg_id": "m-1"}
    )
    assert retry.status_code == 200 and retry.json() == {"seq": r.json()["seq"], "duplicate": True}
    r = await c.http.post(f"{BASE}/chat/notes", headers=a, json={"text": "客户很着急"})
    assert r.status_code == 201
    view = (await c.http.get(f"{BASE}/chat", headers=a)).json()
    assert view["packet"]["entities"]["order_id"] == "20231120001"
    assert [m["text"] for m in view["transcript"]] == ["在吗", "您好，我来处理"]
    events = await c.events("chat")
    agent_msgs = [e for e in events if e.type == "message" and e.data["from"] == "agent"]
    assert len(agent_msgs) == 1 and agent_msgs[0].data["agent_name"] == "li名"
    note = next(e for e in events if e.type == "note")
    assert note.data["internal"] is True and not is_customer_visible(note)
    assert is_customer_visible(agent_msgs[0])
    r = await c.http.post(
        f"{BASE}/chat/close", headers=a, json={"resolution": "exchanged", "tags": ["size"]}
    )
    assert r.status_code == 200
    types = [e.type for e in await c.events("chat")]
    assert types[-2:] == ["closed", "csat_request"]
    async with AsyncSession(c.ctx.engine) as session:
        row = await session.scalar(select(ConversationArchive))
    assert row is not None and row.resolution == "exchanged" and row.tags == ["size"]
    assert [t["text"] for t in row.transcript] == ["在吗", "您好，我来处理"]
    assert any(e["type"] == "note" for e in row.events)
    assert await c.ctx.redis.scard(keys.archive_pending()) == 0
    # a closed chat takes no more agent messages
    r = await c.http.post(f"{BASE}/chat/messages", headers=a, json={"text": "还在吗"})
    assert r.status_code == 409
    assert (await c.ctx.agents.info("li"))["load"] == 0


async def test_transfer_to_group_and_colleague_and_handback(console: Console):
    c = console
    a = await c.agent("pre", ["presale"], capacity=1)
    b = await c.agent("tech", ["aftersales"], capacity=1)
    assert (await c.handoff("t1", skill_group="presale")).json()["agent"] == "pre"
    r = await c.http.post(
        f"{BASE}/t1/transfer",
        headers=a,
        json={"to_group": "aftersales", "reason": "other_team", "note": "售后同事会帮您换货。"},
    )
    assert r.status_code == 200, r.text
    state = await c.ctx.conversations.state("t1")
    assert (state.owner, state.agent, state.group) == (Owner.AGENT, "tech", "aftersales")
    # What the customer sees, in order: the real reason and the team with the place in its
    # queue, then who took over.
    seen = customer_events(await c.events("t1"))
    moved_at = next(i for i, e in enumerate(seen) if e["type"] == "transferred")
    moved, joined = seen[moved_at], seen[moved_at + 1]
    assert moved["text_for_customer"] == (
        "您的问题由其他业务组负责，已为您转接售后客服，请稍候。售后同事会帮您换货。"
    )
    assert moved["text_for_customer_hant"].startswith("您的問題由其他業務組負責")
    assert "after-sales team" in moved["text_for_customer_en"]
    assert moved["position"] == 1 and "to_group" not in moved and "by" not in moved
    assert (joined["type"], joined["agent_name"]) == ("accepted", "tech名")
    assert (await c.ctx.agents.info("pre"))["load"] == 0
    # the old agent can no longer write there
    r = await c.http.post(f"{BASE}/t1/messages", headers=a, json={"text": "hi"})
    assert r.status_code == 403
    # colleague transfer back to pre, then hand back to the bot
    r = await c.http.post(
        f"{BASE}/t1/transfer", headers=b, json={"to_agent": "pre", "reason": "needs_lead"}
    )
    assert r.status_code == 200
    assert (await c.ctx.conversations.state("t1")).agent == "pre"
    last = customer_events(await c.events("t1"))[-1]
    assert last["text_for_customer"] == "您的问题需要主管处理，已为您转接给客服 pre名。"
    assert last["agent_name"] == "pre名"
    r = await c.http.post(
        f"{BASE}/t1/transfer", headers=a, json={"to_agent": "tech", "reason": "needs_tech"}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_reason"
    r = await c.http.post(
        f"{BASE}/t1/transfer", headers=a, json={"to_agent": "tech", "note": "长" * 201}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_note"
    reasons = (await c.http.get("/api/v1/transfer-reasons", headers=a)).json()["reasons"]
    assert {"code": "language", "zh": "为您安排使用您语言的同事"}.items() <= reasons[2].items()
    r = await c.http.post(f"{BASE}/t1/transfer", headers=a, json={"to_agent": "ghost"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "agent_unavailable"
    r = await c.http.post(f"{BASE}/t1/transfer", headers=a, json={})
    assert r.status_code == 400
    r = await c.http.post(f"{BASE}/t1/handback", headers=a)
    assert r.status_code == 200
    assert (await c.ctx.conversations.state("t1")).owner is Owner.BOT
    assert [e.type for e in await c.events("t1")][-1] == "handed_back"


async def test_bad_input_roles_tokens_sizes(console: Console):
    c = console
    a = await c.agent("li", ["aftersales"])
    await c.handoff("b1")
    editor = await c.agent("ed", [], roles=["editor"], online=False)
    for method, path in [
        ("get", "/api/v1/queue"),
        ("post", f"{BASE}/b1/accept"),
        ("get", f"{BASE}/b1"),
        ("post", "/api/v1/agent/status"),
    ]:
        r = await getattr(c.http, method)(path, headers=editor)
        assert r.status_code == 403, path
    expired = jwt.encode(
        {"sub": "li", "roles": ["agent"], "exp": int(time.time()) - 1},
        TEST_JWT_SECRET,
        algorithm="HS256",
    )
    r = await c.http.get("/api/v1/queue", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired"
    assert (await c.http.get("/api/v1/queue")).status_code == 401
    r = await c.http.post(f"{BASE}/b1/messages", headers=a, json={"text": "长" * 4001})
    assert r.status_code == 413 and r.json()["error"]["code"] == "text_too_long"
    r = await c.http.post(f"{BASE}/b1/messages", headers=a, json={"text": "  "})
    assert r.status_code == 400
    assert (await c.http.get(f"{BASE}/unknown-1", headers=a)).status_code == 404
    assert (await c.http.get(f"{BASE}/bad%20id", headers=a)).status_code == 400
    r = await c.http.post("/api/v1/settings/big-sale", headers=a, json={"on": True})
    assert r.status_code == 403


async def test_vanished_agent_chats_return_to_the_queue(console: Console):
    c = console
    await c.agent("gone", ["aftersales"], capacity=2)
    await c.handoff("v1")
    assert (await c.ctx.conversations.state("v1")).agent == "gone"
    # the agent's last heartbeat was long ago
    await c.ctx.redis.zadd(keys.presence(), {"gone": time.time() - 1000})
    assert await c.ctx.agents.sweep(timeout_s=30, grace_s=120) == ["v1"]
    state = await c.ctx.conversations.state("v1")
    assert state.owner is Owner.QUEUED
    assert (await c.ctx.agents.info("gone"))["status"] == "offline"
    last = (await c.events("v1"))[-1]
    assert last.type == "transferred" and last.data["reason"] == "agent_unavailable"
    # the reassignment is in the audit log: who lost the chat, where it went, why
    r = await c.http.get("/api/v1/audit?action=chat_reassigned", headers=await c.admin())
    [entry] = r.json()["entries"]
    assert (entry["actor"], entry["target"]) == ("system", "v1")
    assert entry["details"] == {
        "from_agent": "gone",
        "to_group": "aftersales",
        "reason": "agent_unavailable",
    }
    # another agent comes online and gets it
    await c.agent("back", ["aftersales"])
    assert (await c.ctx.conversations.state("v1")).agent == "back"


async def test_sla_breach_escalates_once_per_level(console: Console):
    c = console
    a = await c.agent("slow", ["presale"])
    await c.handoff("s1", skill_group="presale")
    await c.handoff("s2", skill_group="presale")
    sla = c.ctx.sla
    later = time.time() + 31
    results = await asyncio.gather(sla.check(now=later), sla.check(now=later))
    first = [b for r in results for b in r]
    # both breached once (two concurrent checkers), escalated to the team lead
    assert sorted((b["conversation_id"], b["escalated_to"]) for b in first) == [
        ("s1", "team_lead"),
        ("s2", "team_lead"),
    ]
    r = await c.http.post(f"{BASE}/s1/messages", headers=a, json={"text": "来了"})
    assert r.status_code == 201
    second = await sla.check(now=later + 31)
    assert [(b["conversation_id"], b["escalated_to"]) for b in second] == [("s2", "supervisor")]
    assert await sla.check(now=later + 1000) == []
    async with AsyncSession(c.ctx.engine) as session:
        rows = (await session.scalars(select(SlaBreach))).all()
    assert len(rows) == 3
    escalated = [e for e in await c.events("s2") if e.type == "escalated"]
    assert [e.data["to_role"] for e in escalated] == ["team_lead", "supervisor"]
    assert not any(is_customer_visible(e) for e in escalated)
    lead = await c.agent("boss", [], roles=["supervisor"], online=False)
    assert len((await c.http.get("/api/v1/sla/breaches", headers=lead)).json()["breaches"]) == 3
    r = await c.http.post("/api/v1/settings/big-sale", headers=lead, json={"on": True})
    assert r.status_code == 200 and await c.ctx.queue.big_sale() is True
