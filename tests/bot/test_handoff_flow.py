"""A full handoff as the customer lives it, in a real headless Chromium: the web page and the
gateway on one side, handoff's real staff console (its public HTTP API) on the other, one real
Redis and SQL database between them.

The conversation is handed off by posting the handoff packet to the staff console's internal
API — exactly what the action server does when the bot decides to hand off (that decision is
covered by the action and Rasa tests); everything after it is the real path: queue position,
an agent going online and being assigned, agent messages pushed live, the customer's reply
reaching the agent, an internal note that stays internal, closing, and the CSAT answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from bot.app import create_app
from console import app as staff_app
from handoff.conversation import Conversations
from tests.bot.conftest import CHROMIUM, gateway_settings
from tests.bot.test_web_browser import bubbles, phone_page, send
from tests.conftest import (
    TEST_ADMIN_PASSWORD,
    TEST_API_KEY,
    TEST_INTERNAL_TOKEN,
    TEST_JWT_SECRET,
    unique_app_name,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)"),
]


async def login(staff: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    r = await staff.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def test_full_handoff_to_an_agent_and_back_to_csat(
    serve: Any, redis_url: str, sqlite_url: str, redis: Redis, browser: Any, tmp_path: Path
):
    from console.settings import StaffSettings

    staff_settings = StaffSettings(
        redis_url=redis_url,
        database_url=sqlite_url,
        internal_token=SecretStr(TEST_INTERNAL_TOKEN),
        jwt_secret=SecretStr(TEST_JWT_SECRET),
        admin_password=SecretStr(TEST_ADMIN_PASSWORD),
        claim_groups=["complaints"],
    )
    staff_server = await serve(staff_app.create_app(staff_settings, unique_app_name("staff")))
    gw = await serve(
        create_app(
            gateway_settings(redis_url, sqlite_url, rasa_timeout_s=1.0),
            unique_app_name("gw-handoff"),
        )
    )
    page = await phone_page(browser)
    await page.goto(gw.url + "/")
    await send(page, "我要投诉，快递员态度太差了")
    await page.wait_for_selector(".msg.system .bubble")
    conv = await page.evaluate("window.kefuChat.state().conversationId")
    customer_id = await page.evaluate("localStorage.getItem('kefu.customer_id')")

    async with httpx.AsyncClient(base_url=staff_server.url, timeout=15) as staff:
        # An agent is online; complaints are claimed by agents (not auto-assigned), so the
        # customer waits in the queue until the agent accepts.
        admin = await login(staff, "admin", TEST_ADMIN_PASSWORD)
        r = await staff.post(
            "/api/v1/agents",
            headers=admin,
            json={
                "username": "wang",
                "password": "wang-password-123",
                "roles": ["agent"],
                "skill_groups": ["complaints"],
                "capacity": 3,
                "display_name": "小王",
            },
        )
        assert r.status_code == 201, r.text
        agent = await login(staff, "wang", "wang-password-123")
        r = await staff.post("/api/v1/agent/status", headers=agent, json={"status": "online"})
        assert r.status_code == 200, r.text

        # What the action server does when the bot hands off:
        r = await staff.post(
            "/api/v1/handoffs",
            headers={"Authorization": f"Bearer {TEST_INTERNAL_TOKEN}"},
            json={
                "conversation_id": conv,
                "channel": "web",
                "customer": {"id": customer_id, "display_name": "张三", "language": "zh"},
                "reason": "complaint",
                "skill_group": "complaints",
                "priority": 1,
                "summary": "客户投诉快递员态度",
                "intents": [],
                "entities": {},
                "faq_tried": [],
                "transcript": [{"from": "customer", "text": "我要投诉，快递员态度太差了"}],
            },
        )
        assert r.status_code in (200, 201), r.text
        await page.wait_for_selector("#queue:has-text('您前面还有 1 位')")
        # A web conversation is never reachable over REST, whatever the API key (the REST
        # channel's own queue place: test_rest_integrations).
        async with httpx.AsyncClient(base_url=gw.url, timeout=15) as rest:
            r = await rest.post(
                f"/api/v1/conversations/{conv}/messages",
                json={"text": "还要等多久？", "customer_id": customer_id},
                headers={"Authorization": f"Bearer {TEST_API_KEY}"},
            )
        assert r.status_code == 404, r.text

        r = await staff.post(f"/api/v1/conversations/{conv}/accept", headers=agent)
        assert r.status_code == 200, r.text

        await page.wait_for_selector(".sys:has-text('为您服务')")
        assert await page.is_hidden("#queue")
        r = await staff.post(
            f"/api/v1/conversations/{conv}/notes",
            headers=agent,
            json={"text": "内部：客户情绪激动，先安抚"},
        )
        assert r.status_code == 201, r.text
        r = await staff.post(
            f"/api/v1/conversations/{conv}/messages",
            headers=agent,
            json={"text": "您好，非常抱歉给您带来不好的体验，我来处理。"},
        )
        assert r.status_code == 201, r.text
        await page.wait_for_selector(".msg.agent .bubble")
        assert await bubbles(page, "agent") == ["您好，非常抱歉给您带来不好的体验，我来处理。"]

        await send(page, "好的，谢谢")
        seen = False
        for _ in range(50):
            body = (await staff.get(f"/api/v1/conversations/{conv}", headers=agent)).json()
            if any(t.get("text") == "好的，谢谢" for t in body["transcript"]):
                seen = True
                break
            await page.wait_for_timeout(100)
        assert seen, "the agent never saw the customer's reply"
        assert len(await bubbles(page, "system")) == 1  # the bot stayed silent while agent-owned

        r = await staff.post(
            f"/api/v1/conversations/{conv}/close", headers=agent, json={"resolution": "solved"}
        )
        assert r.status_code == 200, r.text

    await page.wait_for_selector("#csat:not([hidden])")
    await page.click("#stars button[data-score='5']")
    await page.fill("#csat-comment", "处理很及时")
    await page.click("#csat-send")
    await page.wait_for_selector(".sys:has-text('感谢您的评价')")
    assert "内部" not in await page.text_content("body")
    csat = [e for e in await Conversations(redis).events(conv, 0, 500) if e.type == "csat"]
    assert csat[-1].data["score"] == 5
    assert page.js_errors == []
