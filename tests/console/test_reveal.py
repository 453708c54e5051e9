"""Personal data in a live chat: the owning agent sees what the customer typed; a lead or
supervisor looking on sees it masked, over REST and the console socket; a supervisor may
reveal it with a reason, and the reveal is in the audit log."""

from __future__ import annotations

import json

from tests.console.test_access import _socket_watch
from tests.staff_console import Console

PHONE, MASKED = "13812345678", "138****5678"
SAID = f"我的手机{PHONE}"


def texts(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False)


async def test_only_the_owner_sees_unmasked_and_a_reveal_is_audited(console: Console):
    c = console
    owner = await c.agent("li", ["aftersales"])
    assert (await c.handoff("pd-1")).json()["agent"] == "li"
    await c.ctx.conversations.append("pd-1", "message", {"from": "customer", "text": SAID})
    lead = await c.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)

    mine = (await c.http.get("/api/v1/conversations/pd-1", headers=owner)).json()
    assert SAID in [m["text"] for m in mine["transcript"]]
    for onlooker in (lead, boss):
        view = (await c.http.get("/api/v1/conversations/pd-1", headers=onlooker)).json()
        assert PHONE not in texts(view) and f"我的手机{MASKED}" in texts(view)
        seen = await _socket_watch(c, onlooker, "pd-1")
        assert any(m["type"] == "event" for m in seen), seen
        assert PHONE not in texts(seen) and MASKED in texts(seen)

    r = await c.http.post("/api/v1/conversations/pd-1/reveal", headers=lead, json={"reason": "x"})
    assert r.status_code == 403  # leads look on masked; revealing is a supervisor's call
    r = await c.http.post("/api/v1/conversations/pd-1/reveal", headers=boss, json={})
    assert r.status_code == 400
    r = await c.http.post(
        "/api/v1/conversations/pd-1/reveal", headers=boss, json={"reason": "客户投诉核实"}
    )
    assert r.status_code == 200, r.text
    assert SAID in [e.get("text") for e in r.json()["events"]]
    r = await c.http.get("/api/v1/audit?action=reveal", headers=boss)
    [entry] = r.json()["entries"]
    assert (entry["actor"], entry["target"]) == ("boss", "pd-1")
    assert entry["details"]["reason"] == "客户投诉核实"
