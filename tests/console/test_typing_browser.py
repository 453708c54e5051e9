"""Typing indicators in two real headless Chromium pages: an agent in the console and a customer
on the gateway's web chat. The agent types → the customer sees "对方正在输入…", which goes away
when the agent stops or the reply arrives; the customer types → the agent sees "客户正在输入…"."""

from __future__ import annotations

import os
from typing import Any

import pytest

from bot.app import create_app as create_gateway
from tests.bot.conftest import gateway_settings
from tests.conftest import unique_app_name
from tests.console.test_console_browser import ARGS, CHROMIUM
from tests.staff_console import Console

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


async def test_typing_shows_both_ways_between_console_and_web_chat(
    console: Console, serve: Any, redis_url: str, database_url: str
) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    gateway = await serve(
        create_gateway(gateway_settings(redis_url, database_url), unique_app_name("gateway"))
    )
    await c.agent("li", ["aftersales"], capacity=3)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        customer = await browser.new_page(locale="zh-CN")
        customer_errors = watch_errors(customer)
        await customer.goto(gateway.url + "/")
        await expect(customer.locator("#status")).to_have_text("在线")
        await customer.fill("#input", "转人工")
        await customer.click("#send")
        await expect(customer.locator(".msg.system .bubble")).to_be_visible(timeout=15000)
        conv = await customer.evaluate("window.kefuChat.state().conversationId")
        # the bot owns the chat: the customer's typing goes nowhere (and breaks nothing)
        await customer.type("#input", "还在吗")
        await customer.fill("#input", "")

        r = await c.handoff(conv, channel="web")
        assert r.json()["agent"] == "li", r.text
        await expect(customer.locator(".sys", has_text="客服 li名 为您服务")).to_be_visible()

        agent = await browser.new_page(locale="zh-CN")
        agent_errors = watch_errors(agent)
        await agent.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
        await agent.goto(c.server.url + "/console")
        await agent.fill("#login-user", "li")
        await agent.fill("#login-pass", "agent-pass-123")
        await agent.click("#login-btn")
        chat = agent.locator(f".my-chat[data-id='{conv}']")
        await expect(chat).to_be_visible(timeout=10000)
        await chat.click()
        await expect(agent.locator("#conv-title")).to_contain_text(conv)
        await expect(agent.locator("#messages .msg.customer").first).to_have_text("转人工")

        # agent → customer: typing shows, and goes away when the agent stops typing
        typing = customer.locator("#typing")
        assert await typing.is_hidden()
        await agent.type("#reply-text", "您好，请问")
        await expect(typing).to_be_visible(timeout=10000)
        await expect(typing).to_have_text("对方正在输入…")
        await expect(typing).to_be_hidden(timeout=15000)
        # … or when the reply arrives
        await agent.type("#reply-text", "有什么可以帮您")
        await expect(typing).to_be_visible(timeout=10000)
        await agent.click("#send-btn")
        await expect(customer.locator(".msg.agent .bubble")).to_have_text(
            "您好，请问有什么可以帮您", timeout=10000
        )
        await expect(typing).to_be_hidden()
        # the customer never sees who is typing, only that someone is
        assert "li" not in (await typing.text_content() or "")

        # customer → agent
        shown = agent.locator("#customer-typing")
        assert await shown.is_hidden()
        await customer.type("#input", "我想换")
        await expect(shown).to_be_visible(timeout=10000)
        await expect(shown).to_have_text("客户正在输入…")
        await customer.type("#input", "大一码")
        await customer.click("#send")
        await expect(agent.locator("#messages .msg.customer").last).to_have_text(
            "我想换大一码", timeout=10000
        )
        await expect(shown).to_be_hidden()

        # the typing line speaks English too
        await agent.locator("header .lang-select").select_option("en")
        await expect(shown).to_have_text("Customer is typing…")

        assert customer_errors == [] and agent_errors == []
        await browser.close()

    # nothing of it was stored in the conversation
    assert "typing" not in [e.type for e in await c.events(conv)]
