"""强插: a team lead (of the chat's group) or a supervisor joins an agent's live chat as a
participant — the agent keeps the chat and its capacity, the customer is told a second person
joined (zh / zh-Hant / en) and reads the lead's messages under their title; only the chat's
agent and who joined it write to the customer (REST and the console socket alike); leaving or
any ownership move ends the participation."""

from __future__ import annotations

import json

import websockets

from bot.events import customer_events, event_text
from handoff.conversation import Owner
from tests.console.test_console_ws import next_of, ws_url
from tests.staff_console import Console


async def _live_chat(c: Console) -> dict[str, dict[str, str]]:
    """li (aftersales) holds join-1; a lead of aftersales, a lead of presale, a supervisor and
    a second aftersales agent."""
    who = {
        "li": await c.agent("li", ["aftersales"], capacity=1),
        "zhang": await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False),
        "plead": await c.agent("plead", ["presale"], roles=["team_lead"], online=False),
        "boss": await c.agent("boss", [], roles=["supervisor"], online=False),
        "zhao": await c.agent("zhao", ["aftersales"], online=False),
    }
    assert (await c.handoff("join-1")).status_code in (200, 201)
    assert (await c.ctx.conversations.state("join-1")).agent == "li"
    return who


async def test_a_lead_joins_posts_and_leaves_while_the_agent_keeps_the_chat(console: Console):
    c = console
    who = await _live_chat(c)
    r = await c.http.post("/api/v1/conversations/join-1/join", headers=who["zhang"])
    assert r.status_code == 200 and r.json()["status"] == "joined", r.text
    state = await c.ctx.conversations.state("join-1")
    assert (state.owner, state.agent, state.participants) == (Owner.AGENT, "li", ("zhang",))
    assert (await c.ctx.agents.info("li"))["load"] == 1  # still one chat: no second owner
    assert (await c.ctx.agents.info("zhang"))["load"] == 0  # the lead uses no capacity
    again = await c.http.post("/api/v1/conversations/join-1/join", headers=who["zhang"])
    assert again.status_code == 200 and again.json()["already"] is True

    r = await c.http.post(
        "/api/v1/conversations/join-1/messages", headers=who["zhang"], json={"text": "我来看看"}
    )
    assert r.status_code == 201, r.text
    r = await c.http.post(
        "/api/v1/conversations/join-1/messages", headers=who["li"], json={"text": "好的组长"}
    )
    assert r.status_code == 201, r.text

    seen = customer_events(await c.events("join-1"))
    joined = next(e for e in seen if e["type"] == "participant_joined")
    assert joined["text_for_customer"] == "组长 zhang名 加入了对话，将和客服一起为您服务。"
    assert joined["text_for_customer_hant"] == "組長 zhang名 加入了對話，將和客服一起為您服務。"
    assert joined["text_for_customer_en"] == "Team lead zhang名 has joined the chat to help you."
    assert "by" not in joined and "agent" not in joined  # no account names leave the gateway
    said = [(e.get("agent_name"), e["text"]) for e in seen if e["type"] == "message"]
    assert said[-2:] == [("组长 zhang名", "我来看看"), ("li名", "好的组长")]
    lead_msg = next(e for e in seen if e["type"] == "message" and e["text"] == "我来看看")
    assert lead_msg["agent_name_en"] == "Team lead zhang名"
    raw = [e for e in await c.events("join-1") if e.type == "participant_joined"]
    assert event_text(raw[0], "zh-Hant") == joined["text_for_customer_hant"]  # WeChat's line
    posted = [e for e in await c.events("join-1") if e.data.get("text") == "我来看看"]
    assert event_text(posted[0], "en") == "Team lead zhang名: 我来看看"

    r = await c.http.get("/api/v1/conversations/join-1", headers=who["li"])
    assert r.json()["participants"] == ["zhang"]

    r = await c.http.post("/api/v1/conversations/join-1/leave", headers=who["zhang"])
    assert r.status_code == 200, r.text
    left = customer_events(await c.events("join-1"))[-1]
    assert left["type"] == "participant_left"
    assert left["text_for_customer_en"] == "Team lead zhang名 has left the chat."
    r = await c.http.post(
        "/api/v1/conversations/join-1/messages", headers=who["zhang"], json={"text": "再说一句"}
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_chat", r.text
    r = await c.http.post("/api/v1/conversations/join-1/leave", headers=who["zhang"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_joined", r.text


async def test_who_may_join_and_who_may_write(console: Console):
    c = console
    who = await _live_chat(c)
    url = "/api/v1/conversations/join-1"
    r = await c.http.post(url + "/join", headers=who["zhao"])  # an agent of the same group
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.text
    r = await c.http.post(url + "/join", headers=who["plead"])  # a lead of another group
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_group", r.text
    r = await c.http.post(url + "/join", headers=await c.admin())  # admin may join
    assert r.status_code == 200, r.text
    r = await c.http.post(url + "/leave", headers=await c.admin())
    assert r.status_code == 200, r.text
    # a lead of the group who has not joined may read and transfer, but not write to the customer
    r = await c.http.post(url + "/messages", headers=who["zhang"], json={"text": "未加入"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_chat", r.text
    r = await c.http.post(url + "/messages", headers=who["zhao"], json={"text": "同组坐席"})
    assert r.status_code == 403, r.text
    assert (await c.http.post(url + "/join", headers=who["boss"])).status_code == 200
    r = await c.http.post(url + "/messages", headers=who["boss"], json={"text": "主管在"})
    assert r.status_code == 201, r.text
    shown = customer_events(await c.events("join-1"))[-1]
    assert (shown["agent_name"], shown["agent_name_en"]) == ("主管 boss名", "Supervisor boss名")

    # the console socket obeys the same rule: the foreign lead's send is refused, the
    # supervisor who joined writes
    for name, expected in (("plead", "error"), ("boss", "sent")):
        async with websockets.connect(ws_url(c)) as ws:
            token = who[name]["Authorization"].split()[1]
            await ws.send(json.dumps({"type": "auth", "token": token}))
            await next_of(ws, "ready")
            frame = {"type": "send", "conversation_id": "join-1", "text": "经由 socket"}
            await ws.send(json.dumps({**frame, "client_msg_id": f"ws-{name}"}))
            answer = await next_of(ws, expected)
            if expected == "error":
                assert answer["code"] == "not_your_chat", answer
    texts = [e.data.get("text") for e in await c.events("join-1") if e.type == "message"]
    assert texts.count("经由 socket") == 1

    r = await c.http.post(url + "/join", headers=who["li"])  # its own agent (an agent)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.text
    r = await c.http.post("/api/v1/conversations/no-such/join", headers=who["boss"])
    assert r.status_code == 404, r.text


async def test_an_ownership_move_ends_the_participation(console: Console):
    c = console
    who = await _live_chat(c)
    assert (
        await c.http.post("/api/v1/conversations/join-1/join", headers=who["zhang"])
    ).status_code == 200
    r = await c.http.post(
        "/api/v1/conversations/join-1/close", headers=who["li"], json={"resolution": "resolved"}
    )
    assert r.status_code == 200, r.text
    assert (await c.ctx.conversations.state("join-1")).participants == ()
    r = await c.http.post(
        "/api/v1/conversations/join-1/messages", headers=who["zhang"], json={"text": "还在吗"}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_with_an_agent", r.text
    r = await c.http.post("/api/v1/conversations/join-1/join", headers=who["zhang"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_with_an_agent", r.text
