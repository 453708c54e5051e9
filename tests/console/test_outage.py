"""Outage mode end to end: a supervisor switches it on in the staff console; the gateway answers
customers of bot-owned and queued conversations with the (edited) script instead of the bot,
keeping their messages; switching off puts chats queued during the outage first and tells every
customer who got the script that service is back. Real gateway, staff console, Redis and SQL."""

from __future__ import annotations

from typing import Any

import httpx

from bot.app import create_app as create_gateway
from handoff.outage import BACK_EN, BACK_ZH, DEFAULT_SCRIPT_ZH
from kefu.i18n import to_traditional
from tests.bot.conftest import gateway_settings
from tests.conftest import TEST_API_KEY, unique_app_name
from tests.console.test_board import busy_group
from tests.staff_console import Console

KEY = {"Authorization": f"Bearer {TEST_API_KEY}"}


async def say(gw: httpx.AsyncClient, conv: str, text: str, lang: str | None = None) -> Any:
    r = await gw.post(
        f"/api/v1/conversations/{conv}/messages",
        headers=KEY,
        json={"text": text, "customer_id": f"c-{conv}", "lang": lang},
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_outage_script_then_service_back(
    console: Console, serve: Any, redis_url: str, database_url: str
) -> None:
    c = console
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    lead = await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    await busy_group(c)  # aftersales is full: handoffs wait
    await c.handoff("before-1")  # queued before the outage
    gateway = await serve(
        create_gateway(gateway_settings(redis_url, database_url), unique_app_name("gw"))
    )
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as gw:
        r = await c.http.post("/api/v1/settings/outage", headers=lead, json={"on": True})
        assert r.status_code == 403  # a lead may look, not switch
        for body in ({"on": "yes"}, {"on": True, "script_zh": ""}, {"on": True, "x": 1}, {}):
            r = await c.http.post("/api/v1/settings/outage", headers=boss, json=body)
            assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request", body
        assert (await c.http.get("/api/v1/settings/outage", headers=boss)).json()["on"] is False

        r = await c.http.post("/api/v1/settings/outage", headers=boss, json={"on": True})
        assert r.status_code == 200 and r.json()["on"] is True
        out = await say(gw, "web-out-1", "我的订单到哪了")
        assert [x["text"] for x in out["replies"]] == [DEFAULT_SCRIPT_ZH]
        hant = await say(gw, "web-out-2", "我的訂單到哪了", lang="zh-Hant")
        assert hant["replies"][0]["text"] == to_traditional(DEFAULT_SCRIPT_ZH)
        edited = "系统升级中，预计30分钟恢复"
        r = await c.http.post(
            "/api/v1/settings/outage",
            headers=boss,
            json={"on": True, "script_zh": edited, "script_en": "Upgrading, back in 30 minutes"},
        )
        assert r.status_code == 200 and r.json()["script_zh"] == edited
        assert (await say(gw, "web-out-1", "还要多久"))["replies"][0]["text"] == edited
        en = await say(gw, "web-out-3", "where is my parcel", lang="en")
        assert en["replies"][0]["text"] == "Upgrading, back in 30 minutes"
        await c.handoff("during-1")  # queued during the outage, behind before-1
        queued = await say(gw, "during-1", "在吗")
        assert queued["owner"] == "queued" and queued["replies"][0]["text"] == edited
        assert await c.ctx.queue.waiting("aftersales", 10) == ["before-1", "during-1"]
        r = await c.http.get("/api/v1/settings/outage", headers=lead)
        assert r.status_code == 200 and r.json()["on"] is True

        # messages were kept
        texts = [e.data.get("text") for e in await c.events("web-out-1") if e.type == "message"]
        assert texts == ["我的订单到哪了", DEFAULT_SCRIPT_ZH, "还要多久", edited]

        r = await c.http.post("/api/v1/settings/outage", headers=boss, json={"on": False})
        assert r.status_code == 200, r.text
        assert (r.json()["on"], r.json()["prioritised"], r.json()["told"]) == (False, 1, 4)
        assert await c.ctx.queue.waiting("aftersales", 10) == ["during-1", "before-1"]
        for conv, back in [("web-out-1", BACK_ZH), ("web-out-3", BACK_EN), ("during-1", BACK_ZH)]:
            last = [e for e in await c.events(conv) if e.type == "message"][-1]
            assert (last.data["from"], last.data["text"]) == ("system", back), conv
        last = [e for e in await c.events("web-out-2") if e.type == "message"][-1]
        assert last.data["text"] == to_traditional(BACK_ZH)
        # back to the bot (no Rasa runs here: the gateway says it is busy, not the script)
        assert (await say(gw, "web-out-1", "你好"))["replies"][0]["text"] != edited
    actions = [(e["action"], e["details"].get("on")) for e in await c.ctx.audit.entries()]
    assert ("outage_switched", True) in actions and ("outage_switched", False) in actions
