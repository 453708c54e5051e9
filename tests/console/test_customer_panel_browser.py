"""The agent's customer panel in a real headless Chromium: the customer's orders and past chats
(opened read-only), and a suggested FAQ answer inserted with one keystroke and edited before it
is sent — real console, Redis, SQL, demo shop, and a real action server app answering the
suggestions from the demo knowledge base, and the agent's own knowledge-base search."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from rasa_sdk.executor import ActionExecutor
from sqlalchemy.ext.asyncio import AsyncSession

from actions.server import create_app as create_action_server
from handoff.models import ConversationArchive, ConversationFact
from tests.actions.conftest import handoffs, knowledge, services  # noqa: F401 (fixtures)
from tests.conftest import TEST_INTERNAL_TOKEN
from tests.console.test_console_browser import ARGS, CHROMIUM
from tests.staff_console import Console

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


async def test_agent_sees_orders_and_past_chats_and_inserts_a_suggestion(
    services,  # noqa: F811 (the demo shop and knowledge base of the action server)
    serve,
    console: Console,
) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    actions = await serve(create_action_server(ActionExecutor(), TEST_INTERNAL_TOKEN))
    c.ctx.settings.action_server_url = actions.url
    await c.agent("li", ["aftersales"], capacity=3, online=False)
    at = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    async with AsyncSession(c.ctx.engine) as session:
        session.add(
            ConversationFact(
                conversation_id="old-chat-1",
                customer_id="demo-001",
                channel="wechat",
                lang="zh",
                customer_tier=3,
                started_at=at,
                ended_at=at,
                intents=["request_return"],
                faq_ids=[],
                bot_only=False,
                handoff_reason="explicit_request",
                resolution="solved",
                rating=5,
                rating_comment="",
            )
        )
        session.add(
            ConversationArchive(
                conversation_id="old-chat-1",
                closed_seq=9,
                transcript=[{"from": "customer", "text": "上次那双鞋想换码"}],
            )
        )
        await session.commit()

    async with async_playwright() as p:
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

        assert (await c.handoff("web-panel")).json()["agent"] == "li"
        await c.ctx.conversations.append(
            "web-panel",
            "message",
            {"from": "customer", "text": "七天无理由退货运费谁出"},
            channel="web",
            customer_id="demo-001",
        )
        item = page.locator(".my-chat[data-id='web-panel']")
        await expect(item).to_be_visible(timeout=10_000)
        await item.click()

        panel = page.locator("#customer-panel")
        await expect(panel).to_contain_text("张晓雯", timeout=15_000)
        await expect(panel).to_contain_text("138****5678")
        assert "13812345678" not in await panel.inner_text()
        await expect(panel.locator(".cp-order")).to_have_count(5)
        await expect(panel.locator(".cp-order").first).to_contain_text("202311")
        await expect(panel).to_contain_text("已发货")  # a label, not the code "shipped"
        past = panel.locator(".cp-past-item")
        await expect(past).to_have_count(1)
        await expect(past).to_contain_text("客户要求转人工")
        await past.click()
        await expect(panel.locator(".cp-transcript")).to_contain_text("上次那双鞋想换码")

        suggestion = page.locator("#suggestions .suggestion")
        await expect(suggestion.first).to_be_visible(timeout=30_000)
        await page.locator("#reply-text").focus()
        await page.keyboard.press("Alt+Shift+Digit1")
        reply = page.locator("#reply-text")
        inserted = await reply.input_value()
        assert "运费" in inserted
        await reply.press("End")
        await reply.type(" 有问题随时找我～")
        await page.click("#send-btn")
        await expect(page.locator("#messages .msg.agent").last).to_contain_text("随时找我")
        events = await c.events("web-panel")
        sent = [e for e in events if e.type == "message" and e.data.get("from") == "agent"]
        assert sent and sent[-1].data["text"].startswith(inserted.strip()[:10])
        assert sent[-1].data["text"].endswith("有问题随时找我～")

        # the agent's own search: other answers than the suggestions, one click inserts it
        await page.fill("#kb-query", "运费险是什么")
        await page.press("#kb-query", "Enter")
        await expect(page.locator("#suggestions .sys").first).to_have_text(
            "知识库搜索结果（点击插入）", timeout=30_000
        )
        await expect(suggestion.first).to_contain_text("运费险")
        await suggestion.first.click()
        assert "运费险" in await reply.input_value()

        # the console in traditional Chinese: the panel's labels follow (made by OpenCC)
        await page.locator("header .lang-select").select_option("zh-Hant")
        await expect(panel.locator("h4").first).to_have_text("最近訂單")
        await expect(panel).to_contain_text("已發貨")
        await expect(panel.locator(".cp-past-item")).to_contain_text("客戶要求轉人工")
        await expect(page.locator("#send-btn")).to_have_text("發送")
        await page.locator("header .lang-select").select_option("en")
        await expect(panel.locator("h4").first).to_have_text("Recent orders")
        await expect(panel).to_contain_text("Shipped")
        await browser.close()
