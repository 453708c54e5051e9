"""One access rule per resource: the console socket's watch obeys the same rule as the REST
read; accept, tickets and conversation reads follow skill groups; tokens end with the account
(disabled, password changed, logged out); the audit log records what staff change."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import websockets

from handoff.conversation import Owner
from handoff.tickets import create_ticket
from tests.console.test_console_ws import next_of, ws_url
from tests.staff_console import Console


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].split()[1]


async def _socket_watch(console: Console, headers: dict[str, str], conv_id: str) -> list[dict]:
    """Open the console socket as ``headers``, watch ``conv_id``; what the server answered
    about it within a ping round trip (events of it, or an error)."""
    seen: list[dict] = []
    async with websockets.connect(ws_url(console)) as ws:
        await ws.send(json.dumps({"type": "auth", "token": _token(headers)}))
        await next_of(ws, "ready")
        await ws.send(json.dumps({"type": "watch", "conversation_id": conv_id, "after": 0}))
        await ws.send(json.dumps({"type": "ping"}))
        deadline = asyncio.get_running_loop().time() + 3
        while asyncio.get_running_loop().time() < deadline:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.5))
            except TimeoutError:
                continue
            if message["type"] == "error" or message.get("conversation_id") == conv_id:
                seen.append(message)
    return seen


async def test_watch_obeys_the_same_rule_as_the_rest_read(console: Console):
    c = console
    await c.agent("li", ["aftersales"])
    await c.handoff("secret-1")
    assert (await c.ctx.conversations.state("secret-1")).agent == "li"
    await c.ctx.conversations.append(
        "secret-1", "note", {"internal": True, "text": "客户电话13812345678", "agent": "li"}
    )
    other_group = await c.agent("wang", ["presale"])
    same_group = await c.agent("zhao", ["aftersales"], online=False)
    lead = await c.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    foreign_lead = await c.agent("plead", ["presale"], roles=["team_lead"], online=False)

    for refused in (other_group, same_group, foreign_lead):
        r = await c.http.get("/api/v1/conversations/secret-1", headers=refused)
        assert r.status_code == 403, r.text
        seen = await _socket_watch(c, refused, "secret-1")
        assert [m["type"] for m in seen] == ["error"], seen
        assert seen[0]["code"] == "not_your_chat"

    r = await c.http.get("/api/v1/conversations/secret-1", headers=lead)
    assert r.status_code == 200, r.text
    seen = await _socket_watch(c, lead, "secret-1")
    assert any(m["type"] == "event" and m["event"]["type"] == "note" for m in seen), seen


async def test_conversation_reads_follow_skill_groups(console: Console):
    c = console
    agent = await c.agent("li", ["aftersales"], online=False)
    supervisor = await c.agent("boss", [], roles=["supervisor"], online=False)
    await c.ctx.conversations.append("bot-only", "message", {"from": "customer", "text": "你好"})
    assert (await c.ctx.conversations.state("bot-only")).owner is Owner.BOT
    assert (await c.http.get("/api/v1/conversations/bot-only", headers=agent)).status_code == 403
    r = await c.http.get("/api/v1/conversations/bot-only", headers=supervisor)
    assert r.status_code == 200, r.text
    # the queue shows an agent only their groups' waiting customers; a supervisor every group
    r = await c.http.get("/api/v1/queue", headers=agent)
    assert [g["skill_group"] for g in r.json()["groups"]] == ["aftersales"], r.text
    r = await c.http.get("/api/v1/queue", headers=supervisor)
    assert len(r.json()["groups"]) == len(c.ctx.settings.skill_groups) > 1


async def test_accept_needs_the_conversations_skill_group(claim_console: Console):
    c = claim_console
    li = await c.agent("li", ["aftersales"])
    wang = await c.agent("wang", ["presale"])
    await c.handoff("claim-1")
    assert (await c.ctx.conversations.state("claim-1")).owner is Owner.QUEUED
    r = await c.http.post("/api/v1/conversations/claim-1/accept", headers=wang)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_group", r.text
    r = await c.http.post("/api/v1/conversations/claim-1/accept", headers=li)
    assert r.status_code == 200, r.text


async def test_tickets_are_listed_and_closed_by_their_group(console: Console):
    c = console
    due = datetime.now(UTC) + timedelta(days=1)
    after = await create_ticket(c.ctx.engine, "t-a", "cust-a", "退货", "aftersales", due)
    pre = await create_ticket(c.ctx.engine, "t-p", "cust-p", "尺码", "presale", due)
    li = await c.agent("li", ["aftersales"], online=False)
    supervisor = await c.agent("boss", [], roles=["supervisor"], online=False)

    listed = (await c.http.get("/api/v1/tickets", headers=li)).json()["tickets"]
    assert [t["id"] for t in listed] == [after["id"]]
    everything = (await c.http.get("/api/v1/tickets", headers=supervisor)).json()["tickets"]
    assert {t["id"] for t in everything} == {after["id"], pre["id"]}

    r = await c.http.post(f"/api/v1/tickets/{pre['id']}/close", headers=li, json={})
    assert r.status_code == 403, r.text
    r = await c.http.post(f"/api/v1/tickets/{after['id']}/close", headers=li, json={})
    assert r.status_code == 200, r.text


async def test_disabled_account_and_logout_end_the_token(console: Console):
    c = console
    li = await c.agent("li", ["aftersales"], online=False)
    assert (await c.http.get("/api/v1/agent/me", headers=li)).status_code == 200
    r = await c.http.patch("/api/v1/agents/li", headers=await c.admin(), json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False, r.text
    r = await c.http.get("/api/v1/agent/me", headers=li)
    assert r.status_code == 401 and r.json()["error"]["code"] == "account_disabled"
    async with websockets.connect(ws_url(c)) as ws:
        await ws.send(json.dumps({"type": "auth", "token": _token(li)}))
        assert (await next_of(ws, "error"))["code"] == "account_disabled"
    r = await c.http.post(
        "/api/v1/auth/login", json={"username": "li", "password": "agent-pass-123"}
    )
    assert r.status_code == 401

    wang = await c.agent("wang", ["presale"], online=False)
    assert (await c.http.post("/api/v1/auth/logout", headers=wang)).status_code == 200
    r = await c.http.get("/api/v1/agent/me", headers=wang)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
    again = await c.login("wang", "agent-pass-123")  # a new session works
    assert (await c.http.get("/api/v1/agent/me", headers=again)).status_code == 200


async def test_password_change_ends_old_sessions(console: Console):
    c = console
    old = await c.agent("li", ["aftersales"], online=False)
    other_session = await c.login("li", "agent-pass-123")
    r = await c.http.post(
        "/api/v1/auth/password",
        headers=old,
        json={"old_password": "wrong-one-123", "new_password": "new-pass-456"},
    )
    assert r.status_code == 403, r.text
    r = await c.http.post(
        "/api/v1/auth/password",
        headers=old,
        json={"old_password": "agent-pass-123", "new_password": "new-pass-456"},
    )
    assert r.status_code == 200, r.text
    fresh = {"Authorization": f"Bearer {r.json()['token']}"}
    assert (await c.http.get("/api/v1/agent/me", headers=other_session)).status_code == 401
    assert (await c.http.get("/api/v1/agent/me", headers=fresh)).status_code == 200
    await c.login("li", "new-pass-456")


async def test_audit_log_records_staff_changes_for_supervisors(console: Console):
    c = console
    admin = await c.admin()
    await c.agent("li", ["aftersales"], online=False)
    supervisor = await c.agent("boss", [], roles=["supervisor"], online=False)
    agent = await c.login("li", "agent-pass-123")
    r = await c.http.post("/api/v1/settings/big-sale", headers=supervisor, json={"on": True})
    assert r.status_code == 200
    await c.http.patch("/api/v1/agents/li", headers=admin, json={"capacity": 5})

    assert (await c.http.get("/api/v1/audit", headers=agent)).status_code == 403
    r = await c.http.get("/api/v1/audit", headers=supervisor)
    assert r.status_code == 200, r.text
    entries = r.json()["entries"]
    actions = [(e["actor"], e["action"], e["target"]) for e in entries]
    assert ("boss", "big_sale_switched", "") in actions
    assert ("admin", "account_created", "li") in actions
    assert ("admin", "account_changed", "li") in actions
    changed = next(e for e in entries if e["action"] == "account_changed")
    assert changed["details"] == {"capacity": {"from": 2, "to": 5}}
    r = await c.http.get("/api/v1/audit?limit=abc", headers=supervisor)
    assert r.status_code == 400
