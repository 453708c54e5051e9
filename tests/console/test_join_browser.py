"""强插 in three real headless Chromium pages: a customer on the gateway's web chat, the owning
agent in the console and a team lead on the live board. The lead listens in, joins — the
customer reads that a second person joined — writes, and the customer reads it under "组长 …"
while the agent sees it live and keeps the chat; the lead leaves and the customer is told."""

from __future__ import annotations

from typing import Any

from bot.app import create_app as create_gateway
from tests.bot.conftest import gateway_settings
from tests.conftest import unique_app_name
from tests.console.test_console_browser import ARGS, CHROMIUM, pytestmark  # noqa: F401
from tests.console.test_typing_browser import watch_errors
from tests.staff_console import Console


async def login(page: Any, url: str, username: str) -> None:
    await page.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
    await page.goto(url)
    await page.fill("#login-user", username)
    await page.fill("#login-pass", "agent-pass-123")
    await page.click("#login-btn")


async def test_a_lead_joins_a_live_chat_from_the_board(
    console: Console, serve: Any, redis_url: str, database_url: str
) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    gateway = await serve(
        create_gateway(gateway_settings(redis_url, database_url), unique_app_name("gateway"))
    )
    await c.agent("li", ["aftersales"], capacity=3)
    await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        customer = await browser.new_page(locale="zh-CN")
        errors = watch_errors(customer)
        await customer.goto(gateway.url + "/")
        await expect(customer.locator("#status")).to_have_text("在线")
        await customer.fill("#input", "转人工")
        await customer.click("#send")
        await expect(customer.locator(".msg.system .bubble")).to_be_visible(timeout=15000)
        conv = await customer.evaluate("window.kefuChat.state().conversationId")
        r = await c.handoff(conv, channel="web")
        assert r.json()["agent"] == "li", r.text
        await expect(customer.locator(".sys", has_text="客服 li名 为您服务")).to_be_visible()

        agent = await browser.new_page(locale="zh-CN")
        errors += watch_errors(agent)
        await login(agent, c.server.url + "/console", "li")
        await agent.locator(f".my-chat[data-id='{conv}']").click()
        await expect(agent.locator("#messages .msg.customer").first).to_have_text("转人工")
        await expect(agent.locator("#join-btn")).to_be_hidden()  # not for the chat's own agent

        lead = await browser.new_page(locale="zh-CN")
        errors += watch_errors(lead)
        await login(lead, c.server.url + "/board", "zhang")
        await lead.locator(f"#agents tr[data-agent='li'] .listen-btn[data-id='{conv}']").click()
        await expect(lead.locator("#lead-reply")).to_be_hidden()  # listening is read-only
        await lead.click("#join-btn")
        await expect(lead.locator("#lead-reply")).to_be_visible()
        joined = "组长 zhang名 加入了对话，将和客服一起为您服务。"
        await expect(customer.locator(".sys", has_text=joined)).to_be_visible(timeout=10000)

        await lead.fill("#lead-text", "您好，我是组长，这个问题我来跟进")
        await lead.click("#lead-send")
        said = customer.locator(".msg.agent").last
        await expect(said.locator(".bubble")).to_have_text(
            "您好，我是组长，这个问题我来跟进", timeout=10000
        )
        await expect(said.locator(".who")).to_have_text("组长 zhang名")
        # the agent sees the lead's line live, and still has the chat
        await expect(agent.locator("#messages .msg.lead").last).to_have_text(
            "组长 zhang名: 您好，我是组长，这个问题我来跟进", timeout=10000
        )
        state = await c.ctx.conversations.state(conv)
        assert (state.agent, state.participants) == ("li", ("zhang",))

        await lead.click("#leave-btn")
        await expect(customer.locator(".sys", has_text="组长 zhang名 已离开对话。")).to_be_visible(
            timeout=10000
        )
        await expect(lead.locator("#lead-reply")).to_be_hidden()
        assert errors == []
        await browser.close()
