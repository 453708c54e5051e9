"""Conversation ends on the staff side, against a real staff console, Redis and SQL: the facts
row of an agent's chat, idle bot chats closed once however many workers run, retention held
by an open ticket, and a conversation that comes back to life keeping its keys."""

from __future__ import annotations

import asyncio
import json
import time

from handoff.archive import Archiver
from handoff.conversation import Conversations, Owner
from handoff.endings import Endings
from handoff.facts import fact_of, rate
from kefu import redis_keys as keys
from kefu.redis_client import async_client
from tests.staff_console import Console

BASE = "/api/v1/conversations"


async def test_an_agents_chat_ends_as_one_facts_row(console: Console):
    c = console
    a = await c.agent("li", ["aftersales"])
    customer = {"id": "cust-f1", "display_name": "王女士", "vip_level": 2, "language": "zh"}
    assert (await c.handoff("f1", customer=customer)).json()["agent"] == "li"
    await c.ctx.conversations.append(
        "f1", "message", {"from": "customer", "text": "在吗"}, channel="web", lang="zh"
    )
    r = await c.http.post(f"{BASE}/f1/messages", headers=a, json={"text": "您好，我来处理"})
    assert r.status_code == 201
    r = await c.http.post(f"{BASE}/f1/close", headers=a, json={"resolution": "exchanged"})
    assert r.status_code == 200
    fact = await fact_of(c.ctx.engine, "f1")
    assert fact is not None
    assert fact["bot_only"] is False and fact["agent"] == "li"
    assert (fact["skill_group"], fact["handoff_reason"]) == ("aftersales", "explicit_request")
    assert (fact["customer_id"], fact["channel"], fact["customer_tier"]) == ("cust-f1", "web", 2)
    assert fact["intents"] == ["request_return"]  # the packet's, no bot tracker here
    for span in ("wait_s", "first_response_s", "handle_s"):
        assert fact[span] is not None and fact[span] >= 0, span
    assert fact["resolution"] == "unknown" and fact["ticket_id"] is None
    assert fact["rating"] is None
    assert await rate(c.ctx.engine, "f1", 5, "很好")
    assert not await rate(c.ctx.engine, "f1", 1, "")  # once
    fact = await fact_of(c.ctx.engine, "f1")
    assert fact is not None and (fact["rating"], fact["rating_comment"]) == (5, "很好")


async def test_intents_and_answered_faqs_come_from_rasas_tracker(console: Console):
    """A tracker as Rasa's RedisTrackerStore stores it (JSON of the dialogue under
    ``kefurasa:tracker:<id>``): its intents in order and the FAQs the bot answered."""
    c = console
    tracker = {
        "name": "b1",
        "events": [
            {"event": "action", "name": "action_session_start"},
            {
                "event": "user",
                "text": "运费险怎么理赔",
                "parse_data": {"intent": {"name": "ask_faq"}},
            },
            {"event": "bot", "text": "运费险……", "metadata": {"faq_id": "ins-001"}},
            {
                "event": "user",
                "text": "我的快递呢",
                "parse_data": {"intent": {"name": "track_shipment"}},
            },
            {"event": "bot", "text": "请提供订单号", "metadata": {"utter_action": "utter_ask"}},
            {"event": "user", "text": "运费险", "parse_data": {"intent": {"name": "ask_faq"}}},
            {"event": "bot", "text": "运费险……", "metadata": {"faq_id": "ins-001"}},
        ],
    }
    await c.ctx.redis.set(keys.rasa_tracker("b1"), json.dumps(tracker, ensure_ascii=False))
    await c.ctx.conversations.append("b1", "message", {"from": "customer", "text": "运费险"})
    assert await c.ctx.worker.endings.close("b1")
    fact = await fact_of(c.ctx.engine, "b1")
    assert fact is not None
    assert fact["intents"] == ["ask_faq", "track_shipment"]
    assert fact["faq_ids"] == ["ins-001"]


async def test_idle_chats_close_once_however_many_workers(console: Console, redis_url: str):
    c = console
    other = async_client(redis_url)  # a second staff process: its own connections
    try:
        mine = Endings(c.ctx.conversations, c.ctx.archiver)
        theirs = Endings(Conversations(other), Archiver(Conversations(other), c.ctx.engine))
        for conv in ("i1", "i2", "i3"):
            await c.ctx.conversations.append(conv, "message", {"from": "customer", "text": "hi"})
            await mine.touch(conv, now=time.time() - 700)
        await c.ctx.conversations.append("fresh", "message", {"from": "customer", "text": "hi"})
        await mine.touch("fresh")
        done = await asyncio.gather(mine.close_idle(600), theirs.close_idle(600))
        assert sum(done) == 3
        for conv in ("i1", "i2", "i3"):
            events = await c.ctx.conversations.events(conv)
            assert [e.type for e in events].count("closed") == 1
            assert (await c.ctx.conversations.state(conv)).owner is Owner.CLOSED
            assert await fact_of(c.ctx.engine, conv) is not None  # archived with its facts
        assert (await c.ctx.conversations.state("fresh")).owner is Owner.BOT
        assert await fact_of(c.ctx.engine, "fresh") is None
    finally:
        await other.aclose()


async def test_a_chat_with_a_person_is_not_closed_for_idleness_until_it_is_the_bots(
    console: Console,
):
    c = console
    a = await c.agent("li", ["aftersales"])
    await c.ctx.conversations.append("q1", "message", {"from": "customer", "text": "转人工"})
    endings = c.ctx.worker.endings
    await endings.touch("q1", now=time.time() - 700)
    assert (await c.handoff("q1")).json()["agent"] == "li"
    assert await endings.close_idle(600) == 0
    assert (await c.ctx.conversations.state("q1")).owner is Owner.AGENT
    r = await c.http.post(f"{BASE}/q1/handback", headers=a)
    assert r.status_code == 200
    assert await endings.close_idle(600) == 0  # handed back just now
    assert await endings.close_idle(600, now=time.time() + 601) == 1
    assert (await c.ctx.conversations.state("q1")).owner is Owner.CLOSED


async def test_an_open_ticket_keeps_the_keys_until_it_is_closed(console: Console):
    c = console
    r = await c.handoff("t2")
    ticket = r.json()["ticket"]
    await c.ctx.conversations.append("t2", "message", {"from": "customer", "text": "喂"})
    state_key = keys.conv_state("t2")
    assert await c.ctx.redis.ttl(state_key) == -1  # alive: no expiry
    assert await c.ctx.worker.endings.close("t2")
    fact = await fact_of(c.ctx.engine, "t2")
    assert fact is not None
    assert (fact["resolution"], fact["ticket_id"]) == ("ticket", ticket["id"])
    assert fact["handoff_reason"] == "explicit_request" and fact["bot_only"] is True
    assert await c.ctx.redis.ttl(state_key) == -1  # archived, but its ticket is open
    assert await c.ctx.redis.zscore(keys.retain(), "t2") is not None
    assert await c.ctx.archiver.release_retained(every_s=0) == 0
    lead = await c.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    r = await c.http.post(f"/api/v1/tickets/{ticket['id']}/close", headers=lead, json={})
    assert r.status_code == 200
    assert await c.ctx.archiver.release_retained(every_s=0) == 1
    for key in (state_key, keys.conv_events("t2"), keys.conv_packet("t2")):
        assert 0 < await c.ctx.redis.ttl(key) <= 7 * 86400, key
    assert await c.ctx.redis.zscore(keys.retain(), "t2") is None


async def test_a_conversation_that_comes_back_keeps_its_keys(console: Console):
    c = console
    await c.ctx.conversations.append("p1", "message", {"from": "customer", "text": "hi"})
    assert await c.ctx.worker.endings.close("p1")
    state = await c.ctx.conversations.state("p1")
    assert state.extra.get("ask_solved")
    assert await c.ctx.redis.ttl(keys.conv_state("p1")) > 0
    # The customer writes again: the gateway reopens it (closed → bot).
    await c.ctx.conversations.transition(
        "p1", {Owner.CLOSED}, Owner.BOT, "reopened", {"by": "customer"}
    )
    assert await c.ctx.redis.ttl(keys.conv_state("p1")) == -1
    assert await c.ctx.redis.ttl(keys.conv_events("p1")) == -1
    assert "ask_solved" not in (await c.ctx.conversations.state("p1")).extra
