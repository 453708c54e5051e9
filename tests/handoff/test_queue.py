"""The handoff API and the queue: validation, idempotency, auto-routing, claiming, capacity,
priorities, places, leaving a message — on a real staff console, Redis and SQL."""

from __future__ import annotations

import asyncio
import json

import pytest

from handoff import QueueService
from handoff.conversation import Owner
from kefu import redis_keys as keys
from kefu.errors import ApiError
from tests.staff_console import INTERNAL, Console, packet


async def test_handoff_queues_masks_and_is_idempotent(claim_console: Console):
    c = claim_console
    await c.agent("li", ["aftersales"])
    r = await c.handoff("conv-1")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "queued"
    assert (body["position"], body["skill_group"]) == (1, "aftersales")
    assert body["eta_seconds"] > 0
    state = await c.ctx.conversations.state("conv-1")
    assert state.owner is Owner.QUEUED
    queued = [e for e in await c.events("conv-1") if e.type == "queued"]
    assert len(queued) == 1
    assert queued[0].data["position"] == 1 and queued[0].data["reason"] == "explicit_request"
    stored = json.loads(await c.ctx.redis.get(keys.conv_packet("conv-1")))
    assert "13812345678" not in json.dumps(stored, ensure_ascii=False)
    assert "138****5678" in stored["summary"]
    # the same handoff again changes nothing and says so
    again = await c.handoff("conv-1", skill_group="presale")
    assert again.status_code == 200
    assert again.json()["status"] == "already_queued"
    assert again.json()["position"] == 1
    assert len([e for e in await c.events("conv-1") if e.type == "queued"]) == 1
    # once with an agent: already_assigned
    agent = await c.login("li", "agent-pass-123")
    assert (
        await c.http.post("/api/v1/conversations/conv-1/accept", headers=agent)
    ).status_code == 200
    third = await c.handoff("conv-1")
    assert third.json() == {
        "status": "already_assigned",
        "agent": "li",
        "skill_group": "aftersales",
    }


async def test_bad_packets_and_tokens_are_refused(console: Console):
    c = console
    r = await c.http.post("/api/v1/handoffs", json=packet("x1"))
    assert r.status_code == 401
    r = await c.http.post(
        "/api/v1/handoffs", json=packet("x1"), headers={"Authorization": "Bearer wrong-token"}
    )
    assert r.status_code == 401
    for overrides, code in [
        ({"conversation_id": "a b"}, "invalid_conversation_id"),
        ({"reason": "bored"}, "invalid_reason"),
        ({"skill_group": "nowhere"}, "invalid_skill_group"),
        ({"customer": {"display_name": "x"}}, "invalid_customer"),
        ({"priority": 99}, "invalid_priority"),
        ({"transcript": "hello"}, "invalid_transcript"),
    ]:
        r = await c.http.post(
            "/api/v1/handoffs", headers=INTERNAL, json={**packet("x1"), **overrides}
        )
        assert r.status_code == 400, overrides
        assert r.json()["error"]["code"] == code
    r = await c.http.post("/api/v1/handoffs", headers=INTERNAL, content=b"{not json")
    assert r.status_code == 400
    assert (await c.ctx.conversations.state("x1")).owner is Owner.BOT


async def test_nobody_online_offers_a_ticket_staff_can_close(console: Console):
    c = console
    r = await c.handoff("lonely")
    body = r.json()
    made = body.pop("ticket")
    assert body == {
        "status": "no_agents",
        "ticket_offer": True,
        "reason": "no_agents_online",
        "skill_group": "aftersales",
    }
    assert made["due_at"].endswith("+08:00")  # the shop's time zone, as the bot tells it
    assert (await c.ctx.conversations.state("lonely")).owner is Owner.BOT
    types = [e.type for e in await c.events("lonely")]
    assert types.count("ticket_created") == 1
    # Handing off again finds the same open ticket.
    assert (await c.handoff("lonely")).json()["ticket"]["id"] == made["id"]
    queue = QueueService(c.ctx.redis, c.ctx.settings, c.ctx.engine)
    # Not waiting for a person (the bot has it again): leaving a message is refused.
    with pytest.raises(ApiError) as refused:
        await queue.leave_message("lonely", "cust-lonely", "请明天给我回电话")
    assert (refused.value.status, refused.value.code) == (409, "not_waiting")
    assert [e.type for e in await c.events("lonely")].count("ticket_created") == 1
    ticket = made
    lead = await c.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    listed = (await c.http.get("/api/v1/tickets?status=open", headers=lead)).json()["tickets"]
    assert [t["id"] for t in listed] == [ticket["id"]]
    assert listed[0]["text"].startswith("鞋子小了想换大一码")  # the packet's summary
    view = (await c.http.get(f"/api/v1/tickets/{ticket['id']}", headers=lead)).json()
    assert all(e.get("text") != "请明天给我回电话" for e in view["log"])  # refused, not logged
    r = await c.http.post(
        f"/api/v1/tickets/{ticket['id']}/close", headers=lead, json={"resolution": "called_back"}
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    again = await c.http.post(f"/api/v1/tickets/{ticket['id']}/close", headers=lead, json={})
    assert again.status_code == 409
    assert (
        await c.http.post("/api/v1/tickets/999/close", headers=lead, json={})
    ).status_code == 404
    editor = await c.agent("ed", [], roles=["editor"], online=False)
    assert (await c.http.get("/api/v1/tickets", headers=editor)).status_code == 403


async def test_outside_business_hours_no_agents(console: Console):
    c = console
    await c.agent("li", ["aftersales"])
    c.ctx.queue.config = type(c.ctx.queue.config)(business_hours="00:00-00:00")
    r = await c.handoff("late")
    assert r.json()["status"] == "no_agents"
    assert r.json()["reason"] == "outside_business_hours"


async def test_auto_assignment_respects_capacity_and_least_load(console: Console):
    c = console
    await c.agent("a1", ["aftersales"], capacity=2)
    await c.agent("a2", ["aftersales"], capacity=1)
    results = [(await c.handoff(f"c{i}")).json() for i in range(5)]
    agents = [r.get("agent") for r in results]
    assert agents[:3].count("a1") == 2 and agents[:3].count("a2") == 1
    assert agents[3:] == [None, None]
    assert [r["position"] for r in results[3:]] == [1, 2]
    for name, cap in (("a1", 2), ("a2", 1)):
        info = await c.ctx.agents.info(name)
        assert info["load"] == cap
    # a1 closes one chat: the longest waiter is assigned to a1 at once
    a1 = await c.login("a1", "agent-pass-123")
    first_a1 = next(f"c{i}" for i, r in enumerate(results) if r.get("agent") == "a1")
    r = await c.http.post(
        f"/api/v1/conversations/{first_a1}/close",
        headers=a1,
        json={"resolution": "resolved", "tags": ["size"]},
    )
    assert r.status_code == 200, r.text
    assert (await c.ctx.conversations.state("c3")).agent == "a1"
    assert (await c.ctx.conversations.state("c4")).owner is Owner.QUEUED
    accepted = [e for e in await c.events("c3") if e.type == "accepted"]
    assert accepted[0].data["agent"] == "a1" and accepted[0].data["agent_name"] == "a1名"


async def test_claim_mode_409_names_who_took_it(claim_console: Console):
    c = claim_console
    x = await c.agent("xiao", ["aftersales"])
    y = await c.agent("yang", ["aftersales"])
    await c.handoff("busy")
    assert (await c.ctx.conversations.state("busy")).owner is Owner.QUEUED  # nobody auto-assigned
    results = await asyncio.gather(
        c.http.post("/api/v1/conversations/busy/accept", headers=x),
        c.http.post("/api/v1/conversations/busy/accept", headers=y),
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409]
    loser = next(r for r in results if r.status_code == 409).json()["error"]
    winner = (await c.ctx.conversations.state("busy")).agent
    assert loser["code"] == "already_taken" and loser["agent"] == winner
    r = await c.http.post("/api/v1/conversations/nope/accept", headers=x)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_conversation"


async def test_capacity_is_enforced_on_claims_and_status(claim_console: Console):
    c = claim_console
    a = await c.agent("solo", ["aftersales"], capacity=1)
    await c.handoff("k1")
    await c.handoff("k2")
    assert (await c.http.post("/api/v1/conversations/k1/accept", headers=a)).status_code == 200
    r = await c.http.post("/api/v1/conversations/k2/accept", headers=a)
    assert r.status_code == 409 and r.json()["error"]["code"] == "agent_full"
    await c.http.post("/api/v1/agent/status", headers=a, json={"status": "away"})
    r = await c.http.post("/api/v1/conversations/k1/close", headers=a, json={})
    assert r.status_code == 200
    r = await c.http.post("/api/v1/conversations/k2/accept", headers=a)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_online"
    r = await c.http.post("/api/v1/agent/status", headers=a, json={"status": "dancing"})
    assert r.status_code == 400


async def test_vip_and_complaints_go_first_and_waiting_ages(claim_console: Console):
    c = claim_console
    await c.agent("qq", ["aftersales"])
    await c.handoff("plain")
    await c.handoff(
        "vip", customer={"id": "v", "display_name": "V", "vip_level": 2, "language": "zh"}
    )
    await c.handoff("angry", reason="complaint")
    order = await c.ctx.queue.waiting("aftersales")
    assert order == ["vip", "angry", "plain"]
    # a plain customer who has waited long enough is ahead of a new VIP
    queue = c.ctx.queue
    old = queue.score(packet("x"), now=1000.0)
    vip_now = queue.score(packet("y", customer={"id": "y", "vip_level": 2}), now=1000.0 + 3600)
    assert old < vip_now


async def test_queue_info_and_position_updates(claim_console: Console):
    c = claim_console
    a = await c.agent("pos", ["aftersales"], capacity=5)
    for i in range(3):
        await c.handoff(f"p{i}")
    queue = QueueService(c.ctx.redis, c.ctx.settings)
    assert (await queue.queue_info("p2"))["position"] == 3
    assert await queue.queue_info("unknown-conv") is None
    await c.http.post("/api/v1/conversations/p0/accept", headers=a)
    assert await queue.queue_info("p0") is None
    assert (await queue.queue_info("p2"))["position"] == 2
    await c.ctx.worker.tick()
    updates = [e for e in await c.events("p2") if e.type == "queue_update"]
    assert updates[-1].data == {"position": 2, "eta_seconds": updates[-1].data["eta_seconds"]}
    await c.ctx.worker.tick()  # nothing changed: no new update
    assert len([e for e in await c.events("p2") if e.type == "queue_update"]) == len(updates)
    r = await c.http.get("/api/v1/queue", headers=a)
    waiting = next(g for g in r.json()["groups"] if g["skill_group"] == "aftersales")["waiting"]
    assert [w["conversation_id"] for w in waiting] == ["p1", "p2"]
    assert waiting[0]["reason"] == "explicit_request" and waiting[0]["waiting_s"] >= 0
    await queue.aclose()
