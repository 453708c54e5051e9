"""The ticket loop as the customer lives it, in a real headless Chromium: nobody is online, the
complaint becomes a ticket, the customer leaves; an agent works the ticket in the staff console
(real HTTP API, real Redis and SQL), and when the customer comes back to the web chat they see
the progress and the resolution."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.app import create_app
from console import app as staff_app
from tests.bot.conftest import CHROMIUM, gateway_settings
from tests.bot.test_handoff_flow import login
from tests.bot.test_web_browser import phone_page, send
from tests.conftest import (
    TEST_ADMIN_PASSWORD,
    TEST_INTERNAL_TOKEN,
    TEST_JWT_SECRET,
    unique_app_name,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)"),
]


async def test_agent_works_a_ticket_and_the_returning_customer_sees_the_answer(
    serve: Any, redis_url: str, sqlite_url: str, browser: Any
):
    from console.settings import StaffSettings

    staff_server = await serve(
        staff_app.create_app(
            StaffSettings(
                redis_url=redis_url,
                database_url=sqlite_url,
                internal_token=SecretStr(TEST_INTERNAL_TOKEN),
                jwt_secret=SecretStr(TEST_JWT_SECRET),
                admin_password=SecretStr(TEST_ADMIN_PASSWORD),
                background_tasks=False,
            ),
            unique_app_name("staff"),
        )
    )
    gw = await serve(
        create_app(
            gateway_settings(redis_url, sqlite_url, rasa_timeout_s=1.0), unique_app_name("gw-t")
        )
    )
    page = await phone_page(browser)
    await page.goto(gw.url + "/")
    await send(page, "我要投诉，快递员态度太差了")
    await page.wait_for_selector(".msg.system .bubble")
    conv = await page.evaluate("window.kefuChat.state().conversationId")
    customer_id = await page.evaluate("localStorage.getItem('kefu.customer_id')")

    async with httpx.AsyncClient(base_url=staff_server.url, timeout=15) as staff:
        # What the action server does for a complaint (nobody online): a ticket, then the reply.
        r = await staff.post(
            "/api/v1/handoffs",
            headers={"Authorization": f"Bearer {TEST_INTERNAL_TOKEN}"},
            json={
                "conversation_id": conv,
                "channel": "web",
                "customer": {"id": customer_id, "display_name": "张三", "language": "zh"},
                "reason": "complaint",
                "skill_group": "complaints",
                "priority": 2,
                "summary": "客户投诉快递员态度",
                "intents": [],
                "entities": {},
                "faq_tried": [],
                "transcript": [{"from": "customer", "text": "我要投诉，快递员态度太差了"}],
            },
        )
        assert r.status_code in (200, 201), r.text
        ticket_id = r.json()["ticket"]["id"]
        context = page.context
        await page.close()  # the customer leaves

        admin = await login(staff, "admin", TEST_ADMIN_PASSWORD)
        r = await staff.post(
            "/api/v1/agents",
            headers=admin,
            json={
                "username": "wang",
                "password": "wang-password-123",
                "roles": ["agent"],
                "skill_groups": ["complaints"],
                "display_name": "小王",
            },
        )
        assert r.status_code == 201, r.text
        # The agent works the ticket on the console's ticket page.
        desk = await (await browser.new_context(locale="zh-CN")).new_page()
        desk_errors: list[str] = []
        desk.on("pageerror", lambda exc: desk_errors.append(str(exc)))
        await desk.goto(staff_server.url + "/console/tickets.html")
        await desk.fill("#login-user", "wang")
        await desk.fill("#login-pass", "wang-password-123")
        await desk.click("#login-btn")
        item = desk.locator(f".ticket-item[data-id='{ticket_id}']")
        await item.wait_for()
        assert "投诉" in await item.inner_text() and "complaint" not in await item.inner_text()
        await item.click()
        await desk.wait_for_selector(f"#t-title:has-text('#{ticket_id}')")
        assert "客户投诉快递员态度" in await desk.inner_text("#t-packet")
        await desk.select_option("#t-state", "in_progress")
        await desk.click("#t-move")
        await desk.wait_for_selector("#t-facts dd:has-text('处理中')")
        await desk.fill("#t-text", "内部：已约谈快递员")
        await desk.click("#t-note")
        await desk.wait_for_selector(".log-note:has-text('已约谈快递员')")
        await desk.fill("#t-text", "已核实，快递员已被约谈，补偿您10元<b>优惠券</b>")
        await desk.click("#t-reply")
        await desk.wait_for_selector(".log-progress:has-text('补偿您10元')")
        assert await desk.locator("#t-log b").count() == 0  # escaped on the staff side too
        await desk.select_option("#t-state", "resolved")
        await desk.click("#t-move")
        await desk.wait_for_selector("#t-facts dd:has-text('已解决')")
        assert desk_errors == []

    back = await context.new_page()  # the customer comes back later
    await back.goto(gw.url + "/")
    await back.wait_for_selector(f".sys:has-text('您的工单 {ticket_id} 已处理完成')")
    shown = " ".join(await back.locator(".sys").all_text_contents())
    assert "补偿您10元<b>优惠券</b>" in shown  # customer-facing text, escaped
    assert await back.locator(".sys b").count() == 0
    assert "已约谈快递员" not in shown  # the internal note stays inside
