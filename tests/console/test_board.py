"""The live board of team leads and supervisors: group and agent figures from the real queue
(Redis) and conversation facts (SQL), scoped to the viewer's groups; away reasons; closing a
spam chat from the queue; live snapshots and alerts over the console socket."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import websockets
from sqlalchemy.ext.asyncio import AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.models import AuditEntry, ConversationFact
from handoff.tickets import create_ticket
from kefu import redis_keys as keys
from tests.console.test_console_ws import next_of, ws_url
from tests.staff_console import Console


def earlier_today(now: datetime, share: float) -> datetime:
    """A moment of today in the shop's time zone (KEFU_TIMEZONE, Asia/Shanghai) before ``now``:
    "now minus 30 minutes" is yesterday there for the first half hour after midnight."""
    local = now.astimezone(ZoneInfo("Asia/Shanghai"))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (local - midnight) * share


async def board(c: Console, headers: dict[str, str]) -> dict[str, Any]:
    r = await c.http.get("/api/v1/board", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def fact(conv: str, agent: str, ended: datetime, first_response_s: float) -> ConversationFact:
    return ConversationFact(
        conversation_id=conv,
        channel="web",
        started_at=ended - timedelta(minutes=5),
        ended_at=ended,
        bot_only=False,
        handoff_reason="explicit_request",
        skill_group="aftersales",
        agent=agent,
        wait_s=5.0,
        first_response_s=first_response_s,
        handle_s=120.0,
        resolution="solved",
    )


async def queued_long_ago(c: Console, conv: str, seconds: float) -> None:
    await c.ctx.redis.hset(keys.conv_state(conv), "queued_at", repr(time.time() - seconds))


async def busy_group(c: Console) -> dict[str, str]:
    """One aftersales agent online with a full load (and already answered): the next handoff
    to aftersales waits in the queue."""
    li = await c.agent("li", ["aftersales"], capacity=1)
    await c.handoff("busy-1")
    r = await c.http.post("/api/v1/conversations/busy-1/messages", headers=li, json={"text": "在"})
    assert r.status_code == 201, r.text
    return li


async def test_board_figures_per_group_and_agent_for_lead_and_supervisor(console: Console):
    c = console
    lead = await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    li = await c.agent("li", ["aftersales"], capacity=2)
    await c.agent("wang", ["presale"], capacity=3)
    for conv in ("a1", "a2", "a3"):
        await c.handoff(conv)
    await c.handoff("p1", skill_group="presale")
    # a3 has waited two hours, a1 was assigned two hours ago with no reply yet: both breach
    # the default one-hour first-response target; a2 was answered
    await queued_long_ago(c, "a3", 7200)
    await queued_long_ago(c, "a1", 7200)
    r = await c.http.post("/api/v1/conversations/a2/messages", headers=li, json={"text": "您好"})
    assert r.status_code == 201, r.text
    now = datetime.now(UTC)
    async with AsyncSession(c.ctx.engine) as session:
        session.add_all(
            [
                # earlier today in the shop's time zone: "now - 30 min" is yesterday there in
                # the first half hour after its midnight (16:00-16:30 UTC)
                fact("old-1", "li", earlier_today(now, 0.25).astimezone(UTC), 10.0),
                fact("old-2", "li", earlier_today(now, 0.5).astimezone(UTC), 30.0),
                fact("old-3", "li", now - timedelta(days=2), 500.0),  # not today
            ]
        )
        await session.commit()

    seen = await board(c, lead)
    assert [g["skill_group"] for g in seen["groups"]] == ["aftersales"]
    group = seen["groups"][0]
    assert (group["waiting"], group["assigned"], group["sla_breaches_now"]) == (1, 2, 2)
    assert group["longest_wait_s"] >= 7200
    assert [a["username"] for a in seen["agents"]] == ["li"]  # wang is presale
    agent = seen["agents"][0]
    assert (agent["status"], agent["load"], agent["capacity"]) == ("online", 2, 2)
    assert agent["chats"] == ["a1", "a2"]
    assert (agent["chats_today"], agent["avg_first_response_s"]) == (2, 20.0)
    assert agent["in_status_s"] is not None and agent["in_status_s"] >= 0

    everything = await board(c, boss)
    assert [g["skill_group"] for g in everything["groups"]] == c.ctx.queue.config.skill_groups
    presale = next(g for g in everything["groups"] if g["skill_group"] == "presale")
    assert (presale["waiting"], presale["assigned"], presale["sla_breaches_now"]) == (0, 1, 0)
    assert {a["username"] for a in everything["agents"]} == {"li", "wang"}

    r = await c.http.get("/api/v1/board", headers=li)
    assert r.status_code == 403  # an agent has no board


async def test_away_with_a_reason_shows_on_the_board(console: Console):
    c = console
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    wang = await c.agent("wang", ["presale"])
    for body, code in [
        ({"status": "away", "reason": "nap"}, "invalid_reason"),
        ({"status": "online", "reason": "meal"}, "invalid_reason"),
        ({"status": "away", "reason": 3}, "invalid_reason"),
    ]:
        r = await c.http.post("/api/v1/agent/status", headers=wang, json=body)
        assert r.status_code == 400 and r.json()["error"]["code"] == code, body
    r = await c.http.post(
        "/api/v1/agent/status", headers=wang, json={"status": "away", "reason": "meal"}
    )
    assert r.status_code == 200 and r.json()["away_reason"] == "meal"
    (agent,) = (await board(c, boss))["agents"]
    assert (agent["status"], agent["away_reason"]) == ("away", "meal")
    await c.http.post("/api/v1/agent/status", headers=wang, json={"status": "online"})
    (agent,) = (await board(c, boss))["agents"]
    assert (agent["status"], agent["away_reason"]) == ("online", None)


async def test_a_group_without_agents_or_chats_is_all_zeros(console: Console):
    c = console
    lead = await c.agent("lu", ["logistics"], roles=["team_lead"], online=False)
    seen = await board(c, lead)
    assert seen["groups"] == [
        {
            "skill_group": "logistics",
            "waiting": 0,
            "longest_wait_s": 0.0,
            "assigned": 0,
            "sla_breaches_now": 0,
            "sla_target_s": 3600.0,
        }
    ]
    assert seen["agents"] == [] and seen["breaches"] == [] and seen["overdue_tickets"] == []


async def test_a_lead_closes_a_spam_chat_from_the_queue(console: Console):
    c = console
    lead = await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    other = await c.agent("pan", ["presale"], roles=["team_lead"], online=False)
    await busy_group(c)
    await c.handoff("spam-1")
    assert (await c.ctx.conversations.state("spam-1")).owner.value == "queued"
    r = await c.http.post("/api/v1/queue/spam-1/spam", headers=other)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_group"
    r = await c.http.post("/api/v1/queue/spam-1/spam", headers=lead)
    assert r.status_code == 200, r.text
    assert (await c.ctx.conversations.state("spam-1")).owner.value == "closed"
    assert await c.ctx.queue.waiting("aftersales", 10) == []
    r = await c.http.post("/api/v1/queue/spam-1/spam", headers=lead)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_queued"
    r = await c.http.post("/api/v1/queue/nobody-here/spam", headers=lead)
    assert r.status_code == 404
    async with AsyncSession(c.ctx.engine) as session:
        entry = await session.get(AuditEntry, 1)
    actions = [e["action"] for e in await c.ctx.audit.entries()]
    assert "closed_as_spam" in actions and entry is not None


async def test_socket_pushes_the_board_and_alerts_the_responsible_lead(console: Console):
    c = console
    lead = await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    other = await c.agent("pan", ["presale"], roles=["team_lead"], online=False)
    agent = await busy_group(c)

    async def subscribe(headers: dict[str, str]) -> Any:
        ws = await websockets.connect(ws_url(c))
        await ws.send(json.dumps({"type": "auth", "token": headers["Authorization"].split()[1]}))
        await next_of(ws, "ready")
        await ws.send(json.dumps({"type": "board"}))
        return ws

    async with websockets.connect(ws_url(c)) as ws:
        await ws.send(json.dumps({"type": "auth", "token": agent["Authorization"].split()[1]}))
        await next_of(ws, "ready")
        await ws.send(json.dumps({"type": "board"}))
        assert (await next_of(ws, "error"))["code"] == "forbidden"

    mine, theirs = await subscribe(lead), await subscribe(other)
    try:
        first = await next_of(mine, "board")
        assert [g["skill_group"] for g in first["groups"]] == ["aftersales"]
        await next_of(theirs, "board")
        await c.handoff("late-1")
        breaches = await c.ctx.sla.check(now=time.time() + 7200)
        assert [b["conversation_id"] for b in breaches] == ["late-1"]
        await create_ticket(
            c.ctx.engine, "late-2", "cust-2", "没人回", "aftersales", datetime.now(UTC)
        )
        alerts = [await next_of(mine, "alert"), await next_of(mine, "alert")]
        assert sorted(a["kind"] for a in alerts) == ["sla_breach", "ticket_overdue"]
        breach = next(a for a in alerts if a["kind"] == "sla_breach")
        assert (breach["conversation_id"], breach["escalated_to"]) == ("late-1", "team_lead")
        snapshot = await next_of(mine, "board")
        assert [b["conversation_id"] for b in snapshot["breaches"]] == ["late-1"]
        assert [t["conversation_id"] for t in snapshot["overdue_tickets"]] == ["late-2"]
        # the presale lead hears nothing of aftersales
        for _ in range(2):
            frame = json.loads(await asyncio.wait_for(theirs.recv(), timeout=10))
            assert frame["type"] == "board" and frame["breaches"] == []
    finally:
        await mine.close()
        await theirs.close()


def test_board_groups_and_alerts_follow_the_roles():
    groups = ["presale", "aftersales"]
    lead = Principal("l", frozenset({"team_lead"}), frozenset({"aftersales"}))
    boss = Principal("s", frozenset({"supervisor"}))
    agent = Principal("a", frozenset({"agent"}), frozenset({"aftersales"}))
    assert access.board_groups(lead, groups) == ["aftersales"]
    assert access.board_groups(boss, groups) == groups
    assert access.board_groups(agent, groups) == []
    assert access.alerted(lead, "aftersales", "team_lead")
    assert not access.alerted(lead, "presale", "team_lead")
    assert access.alerted(boss, "presale", "supervisor")
    assert not access.alerted(boss, "presale", "team_lead")
    assert not access.alerted(agent, "aftersales", "team_lead")
