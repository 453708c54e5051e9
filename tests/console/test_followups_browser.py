"""回访 on the ticket page (/console/tickets.html) in a real headless Chromium: the agent sees the
follow-up calls due after resolving a complaint, opens one, records what the customer said; the
task leaves the list, "not satisfied" reopens the ticket, and the note is stored masked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.ticket_models import TicketFollowup
from tests.console.test_console_browser import ARGS, CHROMIUM, pytestmark  # noqa: F401
from tests.console.test_followups import _resolved
from tests.console.test_join_browser import login
from tests.staff_console import Console


async def test_an_agent_records_follow_up_calls_on_the_ticket_page(console: Console) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    li = await c.agent("li", ["complaints"], online=False)
    complaint = await _resolved(c, li, "complaint")
    after = await _resolved(c, li, "after_sales")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await login(page, c.server.url + "/console/tickets.html", "li")
        items = page.locator("#followup-list .followup-item")
        await expect(items).to_have_count(2)
        await expect(items.first).to_contain_text("投诉")  # the group's name, not its code

        await page.locator(f"#followup-list .followup-item[data-ticket='{complaint}']").click()
        await expect(page.locator("#t-followup")).to_be_visible()
        await page.fill("#t-followup-note", "客户说还是没解决，电话13812345678")
        await page.click(".followup-btn[data-outcome='not_satisfied']")
        await expect(page.locator("#flash")).to_have_text("回访已记录")
        await expect(items).to_have_count(1)
        await expect(page.locator("#t-followup")).to_be_hidden()
        await expect(page.locator("#t-facts")).to_contain_text("已重开")

        await items.first.click()
        await expect(page.locator("#t-title")).to_have_text(f"#{after} 售后")
        await page.click(".followup-btn[data-outcome='not_reached']")
        await expect(page.locator("#followup-list")).to_have_text("没有待回访的工单")

        await page.click(".lang-toggle >> nth=1")
        await expect(page.locator("#followup-list")).to_have_text("No follow-up call is due")
        await browser.close()

    async with AsyncSession(c.ctx.engine) as session:
        done = {t.ticket_id: t for t in (await session.scalars(select(TicketFollowup))).all()}
    assert (done[complaint].outcome, done[after].outcome) == ("not_satisfied", "not_reached")
    assert done[complaint].done_by == "li"
    assert "13812345678" not in done[complaint].note and "没解决" in done[complaint].note
