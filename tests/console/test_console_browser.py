"""The agent console in a real headless Chromium: log in, go online, accept a queued chat, see
its packet, reply (the customer gets it from the gateway's REST events endpoint), receive the
customer's next message live over the WebSocket, close. Customer HTML stays text."""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest

from bot.app import create_app as create_gateway
from tests.bot.conftest import gateway_settings
from tests.conftest import TEST_API_KEY, unique_app_name
from tests.staff_console import Console


async def add_script(c: Console, headers: dict[str, str], **fields: Any) -> None:
    """A shared canned reply (话术库) through the API; the rest of its fields made up."""
    from tests.console.test_canned_browser import add

    await add(c, headers, **fields)


CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
KEY = {"Authorization": f"Bearer {TEST_API_KEY}"}


async def customer_events(gw: httpx.AsyncClient, conv: str, after: int, want: str) -> list[Any]:
    """Long-poll the gateway until an event of type ``want`` arrives (or give up)."""
    seen: list[Any] = []
    for _ in range(20):
        r = await gw.get(
            f"/api/v1/conversations/{conv}/events", params={"after": after, "wait": 2}, headers=KEY
        )
        assert r.status_code == 200, r.text
        seen += r.json()["events"]
        after = r.json()["last_seq"]
        if any(e["type"] == want for e in seen):
            break
    return seen


async def test_agent_console_end_to_end(
    claim_console: Console, serve: Any, redis_url: str, database_url: str
) -> None:
    from playwright.async_api import async_playwright, expect

    c = claim_console
    gateway = await serve(
        create_gateway(gateway_settings(redis_url, database_url), unique_app_name("gateway"))
    )
    await c.agent("li", ["aftersales"], capacity=3, online=False)
    await add_script(
        c,
        await c.admin(),
        title_zh="首次接待",
        text_zh="{customer_name}您好，我是客服{agent_name}，很高兴为您服务～",
    )
    r = await c.handoff("web-1")
    assert r.json()["status"] == "no_agents"  # nobody online yet
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as gw, async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
        await page.goto(c.server.url + "/console")
        await page.fill("#login-user", "li")
        await page.fill("#login-pass", "agent-pass-123")
        await page.click("#login-btn")
        await expect(page.locator("#app")).to_be_visible()
        await page.select_option("#status-select", "online")
        await expect(page.locator("#load")).to_contain_text("0/3")

        # now the handoff queues; the customer writes while waiting (HTML in it)
        assert (await c.handoff("web-1")).json()["status"] == "queued"
        r = await gw.post(
            "/api/v1/conversations/web-1/messages",
            headers=KEY,
            json={"text": XSS, "customer_id": "cust-web-1"},
        )
        assert r.status_code == 200 and r.json()["owner"] == "queued"

        item = page.locator(".queue-item[data-id='web-1']")
        await expect(item).to_be_visible(timeout=10000)
        await expect(item).to_contain_text("客户要求转人工")  # the reason in words, not its code
        await item.click()
        await expect(page.locator("#packet")).to_contain_text("王女士")
        await expect(page.locator(".packet-order")).to_have_text("20231120001")
        await expect(page.locator(".packet-faq")).to_contain_text("怎么退货")
        await expect(page.locator(".packet-summary")).to_contain_text("138****5678")
        await page.click("#accept-btn")
        await expect(page.locator(".my-chat[data-id='web-1']")).to_be_visible()

        # the customer's HTML is shown as text and never runs
        customer = page.locator("#messages .msg.customer")
        await expect(customer.last).to_have_text(XSS)
        assert await page.evaluate("window.__pwned") is None
        assert await page.locator("#messages img, #messages script").count() == 0

        # the agent replies with a personalised canned reply edited by hand
        await page.focus("#reply-text")
        await page.keyboard.type("/首次接待")
        await page.keyboard.press("Enter")
        await expect(page.locator("#reply-text")).to_have_value(
            "王女士您好，我是客服li名，很高兴为您服务～"
        )
        await page.fill("#reply-text", "您好，我来帮您换货")
        await page.click("#send-btn")
        await expect(page.locator("#messages .msg.agent")).to_have_text("您好，我来帮您换货")
        events = await customer_events(gw, "web-1", 0, "message")
        agent_msgs = [e for e in events if e["type"] == "message" and e["from"] == "agent"]
        assert [m["text"] for m in agent_msgs] == ["您好，我来帮您换货"]
        assert agent_msgs[0]["agent_name"] == "li名"
        assert any(e["type"] == "accepted" for e in events)

        # an internal note stays inside
        await page.fill("#reply-text", "客户要42码")
        await page.click("#note-btn")
        await expect(page.locator("#messages .msg.note")).to_contain_text("客户要42码")

        # the customer's next message arrives live (WebSocket push)
        await gw.post(
            "/api/v1/conversations/web-1/messages",
            headers=KEY,
            json={"text": "好的谢谢", "customer_id": "cust-web-1"},
        )
        await expect(customer.last).to_have_text("好的谢谢", timeout=10000)

        await page.click("#close-btn")
        await expect(page.locator("#conv-title")).to_contain_text(
            "已结束"
        )  # the state in words, not the code
        events = await customer_events(gw, "web-1", 0, "csat_request")
        types = [e["type"] for e in events]
        assert "closed" in types and "csat_request" in types
        assert "note" not in types
        assert "客户要42码" not in str(events)

        # English UI
        await page.locator("header .lang-select").select_option("en")
        await expect(page.locator("#close-btn")).to_have_text("Close")
        await browser.close()

    # a closed conversation messaged again reopens to the bot (the gateway's routing)
    await gw_reopen(gateway.url)
    assert (await c.ctx.conversations.state("web-1")).owner.value == "bot"


async def gw_reopen(url: str) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as gw:
        r = await gw.post(
            "/api/v1/conversations/web-1/messages",
            headers=KEY,
            json={"text": "还有个问题", "customer_id": "cust-web-1"},
        )
        assert r.status_code == 200 and r.json()["owner"] == "bot"
